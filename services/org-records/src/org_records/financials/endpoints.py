from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from org_records.db import DbSession
from org_records.financials.models import QuarterlyFinancials
from org_records.financials.schemas import FinancialsList, FinancialsOut, FinancialsPut
from org_records.financials.service import financials_service
from org_records.fiscal import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from org_records.schemas import IfMatch, expected_version

router = APIRouter(prefix="/api/v1", tags=["financials 四半期モニタリング"])

FiscalYear = Annotated[int, Path(ge=FIRST_FISCAL_YEAR, le=LAST_FISCAL_YEAR, description="年度 (FY2026 = 令和8年度)")]
Quarter = Annotated[int, Path(ge=1, le=4, description="四半期: 1 = 4–6月 … 4 = 1–3月")]


def financials_out(figures: QuarterlyFinancials, response: Response) -> FinancialsOut:
    response.headers["ETag"] = f'"{figures.version}"'
    return FinancialsOut.model_validate(figures)


@router.put("/businesses/{business_id}/financials/{fiscal_year}/{quarter}", response_model=FinancialsOut)
async def put_financials(
    business_id: int,
    fiscal_year: FiscalYear,
    quarter: Quarter,
    figures: FinancialsPut,
    session: DbSession,
    response: Response,
    if_match: IfMatch = None,
) -> FinancialsOut:
    """Create or replace one quarter's figures: 201 when created, 200 when replaced (or unchanged)."""
    stored, created = await financials_service.put_quarter(
        session, business_id, fiscal_year, quarter, figures, expected_version(if_match, figures.version)
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return financials_out(stored, response)


@router.get("/businesses/{business_id}/financials", response_model=FinancialsList)
async def list_financials(business_id: int, session: DbSession) -> FinancialsList:
    rows = await financials_service.list_for_business(session, business_id)
    return FinancialsList(items=[FinancialsOut.model_validate(row) for row in rows])


@router.get("/businesses/{business_id}/financials/{fiscal_year}/{quarter}", response_model=FinancialsOut)
async def get_financials(
    business_id: int, fiscal_year: FiscalYear, quarter: Quarter, session: DbSession, response: Response
) -> FinancialsOut:
    return financials_out(await financials_service.get_quarter(session, business_id, fiscal_year, quarter), response)


@router.delete("/businesses/{business_id}/financials/{fiscal_year}/{quarter}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_financials(
    business_id: int, fiscal_year: FiscalYear, quarter: Quarter, session: DbSession, if_match: IfMatch = None
) -> Response:
    await financials_service.delete_quarter(
        session, business_id, fiscal_year, quarter, expected_version(if_match, None)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
