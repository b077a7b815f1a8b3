from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business


class BusinessRepository:
    async def get(self, session: AsyncSession, business_id: int) -> Business | None:
        return await session.get(Business, business_id)

    async def add(self, session: AsyncSession, business: Business) -> Business:
        session.add(business)
        await session.flush()
        return business
