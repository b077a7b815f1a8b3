from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.period_lock.models import PeriodLock


class PeriodLockRepository:
    async def get(self, session: AsyncSession, fiscal_year: int, quarter: int) -> PeriodLock | None:
        return await session.get(PeriodLock, (fiscal_year, quarter))

    async def add(self, session: AsyncSession, lock: PeriodLock) -> PeriodLock:
        """Insert the lock; when another request locked the same quarter first, answer that one."""
        try:
            async with session.begin_nested():
                session.add(lock)
        except IntegrityError:
            existing = await self.get(session, lock.fiscal_year, lock.quarter)
            assert existing is not None
            return existing
        return lock

    async def delete(self, session: AsyncSession, lock: PeriodLock) -> None:
        await session.delete(lock)
        await session.flush()

    async def list_all(self, session: AsyncSession) -> Sequence[PeriodLock]:
        query = select(PeriodLock).order_by(PeriodLock.fiscal_year, PeriodLock.quarter)
        return (await session.scalars(query)).all()
