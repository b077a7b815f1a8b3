from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from org_records.staff.models import Staff


class StaffRepository:
    async def get(self, session: AsyncSession, staff_id: int) -> Staff | None:
        return await session.get(Staff, staff_id)

    async def add(self, session: AsyncSession, staff: Staff) -> Staff:
        session.add(staff)
        await session.flush()
        return staff
