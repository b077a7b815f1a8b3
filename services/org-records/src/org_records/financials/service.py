from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, NotFound, VersionConflict
from org_records.business.service import business_service
from org_records.financials.models import QuarterlyFinancials
from org_records.financials.repository import FinancialsRepository
from org_records.financials.schemas import FinancialsFields
from org_records.fiscal import FiscalQuarter
from org_records.outcome_record.service import outcome_record_service
from org_records.period_lock.service import fiscal_quarter, period_lock_service


class FinancialsService:
    """四半期モニタリング: one row per business, fiscal year and quarter, replaced whole by PUT."""

    def __init__(self) -> None:
        self.figures = FinancialsRepository()

    async def put_quarter(
        self,
        session: AsyncSession,
        business_id: int,
        fiscal_year: int,
        quarter: int,
        fields: FinancialsFields,
        expected_version: int | None = None,
    ) -> tuple[QuarterlyFinancials, bool]:
        """Create or replace the quarter; answers the row and whether it was created.

        Putting the same figures again changes nothing (the version stays)."""
        period = fiscal_quarter(fiscal_year, quarter)
        await business_service.get(session, business_id)
        await period_lock_service.ensure_quarter_open(session, period)
        self._refuse_actuals_before_the_quarter(period, fields)
        stored = await self.figures.get_quarter(session, business_id, period.fiscal_year, period.quarter)
        if expected_version is not None and (stored is None or stored.version != expected_version):
            current = "absent" if stored is None else f"at version {stored.version}"
            raise VersionConflict(f"{period.label} of business {business_id} is {current}, not {expected_version}")
        values = fields.model_dump(include=set(FinancialsFields.model_fields))
        await outcome_record_service.figures_changed(session, business_id, period.fiscal_year, period.quarter)
        if stored is None:
            row = QuarterlyFinancials(
                business_id=business_id, fiscal_year=period.fiscal_year, quarter=period.quarter, **values
            )
            return await self.figures.add(session, row), True
        if any(getattr(stored, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            stored.version += 1
            stored.updated_at = utc_now()
            await session.flush()
        return stored, False

    async def get_quarter(
        self, session: AsyncSession, business_id: int, fiscal_year: int, quarter: int
    ) -> QuarterlyFinancials:
        period = fiscal_quarter(fiscal_year, quarter)
        stored = await self.figures.get_quarter(session, business_id, period.fiscal_year, period.quarter)
        if stored is None:
            raise NotFound(f"no figures for {period.label} of business {business_id}")
        return stored

    async def list_for_business(self, session: AsyncSession, business_id: int) -> Sequence[QuarterlyFinancials]:
        await business_service.get(session, business_id)
        return await self.figures.list_for_business(session, business_id)

    async def delete_quarter(
        self,
        session: AsyncSession,
        business_id: int,
        fiscal_year: int,
        quarter: int,
        expected_version: int | None = None,
    ) -> None:
        stored = await self.get_quarter(session, business_id, fiscal_year, quarter)
        await period_lock_service.ensure_quarter_open(session, fiscal_quarter(fiscal_year, quarter))
        if expected_version is not None and stored.version != expected_version:
            raise VersionConflict(f"the figures are at version {stored.version}, not {expected_version}")
        await self.figures.delete(session, stored)
        await outcome_record_service.figures_changed(session, business_id, stored.fiscal_year, stored.quarter)

    def _refuse_actuals_before_the_quarter(self, period: FiscalQuarter, fields: FinancialsFields) -> None:
        actuals = fields.actual_figures_given()
        if actuals and not period.has_started():
            raise InvalidInput(
                f"{period.label} has not begun: actual figures ({', '.join(actuals)}) cannot be recorded yet "
                "(targets can)",
                field=actuals[0],
            )


financials_service = FinancialsService()
