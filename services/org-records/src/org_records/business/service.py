from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import InvalidInput, NotFound
from org_records.business.models import Business
from org_records.business.repository import BusinessRepository
from org_records.business.schemas import BusinessFields
from org_records.org import OrgIdentity
from org_records.staff.repository import StaffRepository


class BusinessService:
    def __init__(self) -> None:
        self.businesses = BusinessRepository()
        self.staff = StaffRepository()

    async def create(self, session: AsyncSession, fields: BusinessFields, org: OrgIdentity) -> Business:
        if fields.staff_id is not None and await self.staff.get(session, fields.staff_id) is None:
            raise InvalidInput(f"担当者 {fields.staff_id} does not exist", field="staff_id")
        business = await self.businesses.add(session, Business(**fields.model_dump()))
        org.register_scrubber.register_changed()
        return business

    async def get(self, session: AsyncSession, business_id: int) -> Business:
        business = await self.businesses.get(session, business_id)
        if business is None:
            raise NotFound(f"business {business_id} not found")
        return business


business_service = BusinessService()
