from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, VersionConflict
from org_records.org import OrgIdentity
from org_records.organization.models import Organization
from org_records.organization.repository import OrganizationRepository
from org_records.organization.schemas import OrganizationFields, OrganizationPut


class OrganizationService:
    def __init__(self) -> None:
        self.organizations = OrganizationRepository()

    async def get(self, session: AsyncSession, org: OrgIdentity) -> Organization:
        """The profile, first made from the instance's settings (id, name, kind) when none is stored yet."""
        organization = await self.organizations.get(session, org.org_id)
        if organization is None:
            organization = await self.organizations.add(
                session, Organization(id=org.org_id, name=org.org_name, kind=org.org_kind.value)
            )
        return organization

    async def replace(self, session: AsyncSession, profile: OrganizationPut, org: OrgIdentity) -> Organization:
        if profile.id is not None and profile.id != org.org_id:
            raise InvalidInput(f"this instance serves {org.org_id}; its id cannot change", field="id")
        if profile.parent_id == org.org_id:
            raise InvalidInput("an organization cannot be its own parent", field="parent_id")
        organization = await self.get(session, org)
        if profile.version is not None and profile.version != organization.version:
            raise VersionConflict(f"organization is at version {organization.version}, not {profile.version}")
        for name, value in profile.model_dump(include=set(OrganizationFields.model_fields)).items():
            setattr(organization, name, value)
        organization.version += 1
        organization.updated_at = utc_now()
        await session.flush()
        return organization


organization_service = OrganizationService()
