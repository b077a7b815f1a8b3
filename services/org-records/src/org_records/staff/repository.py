from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.staff.models import Staff


class StaffRepository:
    async def get(self, session: AsyncSession, staff_id: int) -> Staff | None:
        return await session.get(Staff, staff_id)

    async def by_login(self, session: AsyncSession, login: str) -> Staff | None:
        return await session.scalar(select(Staff).where(Staff.login == login))

    async def all(self, session: AsyncSession) -> Sequence[Staff]:
        return (await session.scalars(select(Staff).order_by(Staff.id))).all()

    async def add(self, session: AsyncSession, staff: Staff) -> Staff:
        session.add(staff)
        await session.flush()
        return staff
