from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from org_records.organization.models import Organization


class OrganizationRepository:
    async def get(self, session: AsyncSession, org_id: str) -> Organization | None:
        return await session.get(Organization, org_id)

    async def add(self, session: AsyncSession, organization: Organization) -> Organization:
        session.add(organization)
        await session.flush()
        return organization
