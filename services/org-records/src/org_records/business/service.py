from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
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
        await self._check_staff(session, fields)
        with _external_code_unique(fields):
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
        await self._check_staff(session, fields)
        consent_before = business.sharing_consent
        for name, value in fields.model_dump().items():
            setattr(business, name, value)
        business.version += 1
        business.updated_at = utc_now()
        with _external_code_unique(fields):
            await session.flush()
        org.register_scrubber.register_changed()
        if business.sharing_consent != consent_before:
            # Imported here to avoid a cycle: goals and sharing depend on businesses.
            from org_records.goal.service import goal_service

            await goal_service.republish_for_business(session, business, org)
        return business

    async def _check_staff(self, session: AsyncSession, fields: BusinessFields) -> None:
        if fields.staff_id is not None and await self.staff.get(session, fields.staff_id) is None:
            raise InvalidInput(f"担当者 {fields.staff_id} does not exist", field="staff_id")


@contextmanager
def _external_code_unique(fields: BusinessFields) -> Iterator[None]:
    """The unique constraint is the check (no lookup per write: imports write thousands of businesses)."""
    try:
        yield
    except IntegrityError as error:
        if fields.external_code is None or "external_code" not in str(error.orig):
            raise
        raise AlreadyExists(
            f"事業者コード {fields.external_code!r} は別の事業者が使っています (already used by another business)",
            field="external_code",
        ) from error


business_service = BusinessService()
