from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import NotFound
from org_records.staff.models import Staff
from org_records.staff.repository import StaffRepository
from org_records.staff.schemas import StaffFields


class StaffService:
    def __init__(self) -> None:
        self.staff = StaffRepository()

    async def create(self, session: AsyncSession, fields: StaffFields) -> Staff:
        return await self.staff.add(session, Staff(**fields.model_dump()))

    async def get(self, session: AsyncSession, staff_id: int) -> Staff:
        staff = await self.staff.get(session, staff_id)
        if staff is None:
            raise NotFound(f"staff {staff_id} not found")
        return staff


staff_service = StaffService()
