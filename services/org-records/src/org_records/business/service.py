from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import AlreadyExists, InvalidInput, NotFound
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
        await self._check_references(session, fields, None)
        business = await self.businesses.add(session, Business(**fields.model_dump()))
        org.register_scrubber.register_changed()
        return business

    async def get(self, session: AsyncSession, business_id: int) -> Business:
        business = await self.businesses.get(session, business_id)
        if business is None:
            raise NotFound(f"business {business_id} not found")
        return business

    async def replace(
        self, session: AsyncSession, business: Business, fields: BusinessFields, org: OrgIdentity
    ) -> Business:
        """Give a stored business the whole validated state `fields` (an import's row), as a new version."""
        await self._check_references(session, fields, business.id)
        consent_before = business.sharing_consent
        for name, value in fields.model_dump().items():
            setattr(business, name, value)
        business.version += 1
        business.updated_at = utc_now()
        await session.flush()
        org.register_scrubber.register_changed()
        if business.sharing_consent != consent_before:
            # Imported here to avoid a cycle: goals and sharing depend on businesses.
            from org_records.goal.service import goal_service

            await goal_service.republish_for_business(session, business, org)
        return business

    async def _check_references(self, session: AsyncSession, fields: BusinessFields, business_id: int | None) -> None:
        if fields.staff_id is not None and await self.staff.get(session, fields.staff_id) is None:
            raise InvalidInput(f"担当者 {fields.staff_id} does not exist", field="staff_id")
        if fields.external_code is not None:
            holder = await self.businesses.by_external_code(session, fields.external_code)
            if holder is not None and holder.id != business_id:
                raise AlreadyExists(
                    f"事業者コード {fields.external_code!r} already belongs to business {holder.id}",
                    field="external_code",
                )


business_service = BusinessService()
