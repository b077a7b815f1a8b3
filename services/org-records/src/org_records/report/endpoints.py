from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from org_records.db import DbSession
from org_records.org import CurrentOrg
from org_records.report.schemas import AnnualReport, ReportFormat
from org_records.report.service import report_service
from org_records.report.workbook import annual_report_workbook, report_title

router = APIRouter(prefix="/api/v1/reports", tags=["reports 実績報告書"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 5987/6266)."""
    return f"attachment; filename=\"annual-report.xlsx\"; filename*=UTF-8''{quote(filename)}"


@router.get(
    "/annual/{fiscal_year}",
    response_model=AnnualReport,
    responses={200: {"content": {XLSX: {}}, "description": "JSON, or the workbook with ?format=xlsx"}},
)
async def get_annual_report(
    fiscal_year: int,
    session: DbSession,
    org: CurrentOrg,
    plan_id: Annotated[
        int | None, Query(description="the plan to report on; default: the plan covering the year")
    ] = None,
    format: Annotated[ReportFormat, Query(description="json or xlsx")] = ReportFormat.json,
) -> AnnualReport | Response:
    report = await report_service.annual(session, fiscal_year, org, plan_id)
    if format is ReportFormat.json:
        return report
    return Response(
        content=annual_report_workbook(report),
        media_type=XLSX,
        headers={"Content-Disposition": attachment(f"{report_title(report)}.xlsx")},
    )
