from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import InvalidInput, NotFound, PeriodLocked
from org_records.fiscal import FiscalQuarter
from org_records.period_lock.models import PeriodLock
from org_records.period_lock.repository import PeriodLockRepository


def fiscal_quarter(fiscal_year: int, quarter: int) -> FiscalQuarter:
    """The quarter named by a request, or a 422 naming the offending part."""
    try:
        return FiscalQuarter(fiscal_year, quarter)
    except ValueError as error:
        field = "quarter" if "quarter" in str(error) else "fiscal_year"
        raise InvalidInput(str(error), field=field) from error


class PeriodLockService:
    """期間ロック: an org admin closes a fiscal quarter; its sessions and figures then stay as reported."""

    def __init__(self) -> None:
        self.locks = PeriodLockRepository()

    async def lock_quarter(
        self, session: AsyncSession, fiscal_year: int, quarter: int, locked_by_staff_id: int | None = None
    ) -> PeriodLock:
        """Lock a quarter (idempotent: locking a locked quarter answers the existing lock)."""
        period = fiscal_quarter(fiscal_year, quarter)
        existing = await self.locks.get(session, period.fiscal_year, period.quarter)
        if existing is not None:
            return existing
        lock = PeriodLock(fiscal_year=period.fiscal_year, quarter=period.quarter, locked_by_staff_id=locked_by_staff_id)
        return await self.locks.add(session, lock)

    async def unlock_quarter(self, session: AsyncSession, fiscal_year: int, quarter: int) -> None:
        period = fiscal_quarter(fiscal_year, quarter)
        lock = await self.locks.get(session, period.fiscal_year, period.quarter)
        if lock is None:
            raise NotFound(f"{period.label} is not locked")
        await self.locks.delete(session, lock)

    async def list_locks(self, session: AsyncSession) -> Sequence[PeriodLock]:
        return await self.locks.list_all(session)

    async def ensure_quarter_open(self, session: AsyncSession, period: FiscalQuarter) -> None:
        if await self.locks.get(session, period.fiscal_year, period.quarter) is not None:
            raise PeriodLocked(f"{period.label}はロックされています (locked)")

    async def ensure_open(self, session: AsyncSession, day: dt.date) -> None:
        """Refuse (409) a change to a record dated `day` when its fiscal quarter is locked."""
        await self.ensure_quarter_open(session, FiscalQuarter.of(day))


period_lock_service = PeriodLockService()
