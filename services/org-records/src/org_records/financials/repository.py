from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import VersionConflict
from org_records.financials.models import QuarterlyFinancials


class FinancialsRepository:
    async def get_quarter(
        self, session: AsyncSession, business_id: int, fiscal_year: int, quarter: int
    ) -> QuarterlyFinancials | None:
        query = select(QuarterlyFinancials).where(
            QuarterlyFinancials.business_id == business_id,
            QuarterlyFinancials.fiscal_year == fiscal_year,
            QuarterlyFinancials.quarter == quarter,
        )
        return (await session.scalars(query)).one_or_none()

    async def add(self, session: AsyncSession, figures: QuarterlyFinancials) -> QuarterlyFinancials:
        try:
            async with session.begin_nested():
                session.add(figures)
        except IntegrityError as error:
            raise VersionConflict(
                f"{figures.fiscal_year} Q{figures.quarter} of business {figures.business_id} was just created by "
                "another request; read it and try again"
            ) from error
        return figures

    async def delete(self, session: AsyncSession, figures: QuarterlyFinancials) -> None:
        await session.delete(figures)
        await session.flush()

    async def list_for_business(self, session: AsyncSession, business_id: int) -> Sequence[QuarterlyFinancials]:
        query = (
            select(QuarterlyFinancials)
            .where(QuarterlyFinancials.business_id == business_id)
            .order_by(QuarterlyFinancials.fiscal_year, QuarterlyFinancials.quarter)
        )
        return (await session.scalars(query)).all()
