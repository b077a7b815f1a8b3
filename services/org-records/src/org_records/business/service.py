from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import AlreadyExists, InvalidInput, NotFound, VersionConflict
from banso_core.vocabulary import SupportStage
from org_records.business.models import Business
from org_records.business.repository import BusinessRepository
from org_records.business.schemas import BusinessFields, BusinessPatch
from org_records.org import OrgIdentity
from org_records.outcome_record.service import outcome_record_service
from org_records.pagination import Page, PageRequest
from org_records.sharing.service import sharing_service
from org_records.staff.repository import StaffRepository

# What a goal summary carries of its business (sharing-policy.md §1): a change to one of these reshares its goals.
SHARED_BUSINESS_FIELDS = frozenset({"sharing_consent", "business_form", "jsic_major", "jsic_middle", "employees"})
# What k-anonymity counts (sharing-policy.md §3): a change to one of these may move other businesses' descriptors.
PROFILE_FIELDS = frozenset({"business_form", "jsic_major", "jsic_middle", "employees"})
# What the goal-text scrubber looks for.
IDENTITY_FIELDS = frozenset(
    {"name", "name_kana", "representative", "address", "phone", "fax", "email", "website", "corporate_number"}
)


class BusinessService:
    def __init__(self) -> None:
        self.businesses = BusinessRepository()
        self.staff = StaffRepository()

    async def create(self, session: AsyncSession, fields: BusinessFields, org: OrgIdentity) -> Business:
        await self._check_staff(session, fields.staff_id)
        async with sharing_service.register_change(session, org, {fields.jsic_major}):
            with _external_code_unique(fields):
                business = await self.businesses.add(session, Business(**fields.model_dump()))
        await outcome_record_service.register_changed(session, {fields.jsic_major})
        org.register_scrubber.register_changed()
        return business

    async def get(self, session: AsyncSession, business_id: int) -> Business:
        business = await self.businesses.get(session, business_id)
        if business is None:
            raise NotFound(f"business {business_id} not found")
        return business

    async def page(
        self,
        session: AsyncSession,
        request: PageRequest,
        *,
        support_stage: SupportStage | None = None,
        staff_id: int | None = None,
    ) -> Page[Business]:
        return await self.businesses.page(session, request, support_stage=support_stage, staff_id=staff_id)

    async def update(self, session: AsyncSession, business_id: int, patch: BusinessPatch, org: OrgIdentity) -> Business:
        business = await self.get(session, business_id)
        if patch.version is not None and patch.version != business.version:
            raise VersionConflict(f"business {business_id} is at version {business.version}, not {patch.version}")
        current = BusinessFields.model_validate(business, from_attributes=True).model_dump()
        merged = BusinessFields.model_validate(current | patch.model_dump(exclude_unset=True, exclude={"version"}))
        return await self.replace(session, business, merged, org)

    async def replace(
        self, session: AsyncSession, business: Business, fields: BusinessFields, org: OrgIdentity
    ) -> Business:
        """Give a stored business the whole validated state `fields` (a merged PATCH, an import's row)."""
        await self._check_staff(session, fields.staff_id)
        current = BusinessFields.model_validate(business, from_attributes=True).model_dump()
        changed = {name for name, value in fields.model_dump().items() if current[name] != value}
        async with sharing_service.register_change(
            session, org, {business.jsic_major, fields.jsic_major} if changed & PROFILE_FIELDS else ()
        ) as republished:
            for name, value in fields.model_dump().items():
                setattr(business, name, value)
            business.version += 1
            business.updated_at = utc_now()
            with _external_code_unique(fields):
                await session.flush()
        if changed & IDENTITY_FIELDS:
            org.register_scrubber.register_changed()
        if changed & SHARED_BUSINESS_FIELDS and business.id not in republished:
            # Withdrawing consent tombstones every shared goal; a profile change republishes them.
            await sharing_service.reshare_goals_of(session, business, org, business.updated_at)
        await outcome_record_service.business_changed(
            session, business.id, changed, {current["jsic_major"], fields.jsic_major}
        )
        return business

    async def delete(self, session: AsyncSession, business_id: int, org: OrgIdentity) -> None:
        """Deleting a business deletes its goals, tasks and sessions; every goal's summary is withdrawn."""
        business = await self.get(session, business_id)
        await sharing_service.withdraw_goals_of(session, business, org, utc_now())
        async with sharing_service.register_change(session, org, {business.jsic_major}):
            await self.businesses.delete(session, business)
        await outcome_record_service.business_changed(session, business_id, None, {business.jsic_major})
        org.register_scrubber.register_changed()

    async def _check_staff(self, session: AsyncSession, staff_id: int | None) -> None:
        if staff_id is not None and await self.staff.get(session, staff_id) is None:
            raise InvalidInput(f"担当者 {staff_id} does not exist", field="staff_id")


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
