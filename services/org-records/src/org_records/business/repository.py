from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business


class BusinessRepository:
    async def get(self, session: AsyncSession, business_id: int) -> Business | None:
        return await session.get(Business, business_id)

    async def add(self, session: AsyncSession, business: Business) -> Business:
        session.add(business)
        await session.flush()
        return business

    async def identities(self, session: AsyncSession) -> Sequence[Any]:
        """Every identifying field of every business in the register, for scrubbing."""
        query = select(
            Business.name,
            Business.name_kana,
            Business.representative,
            Business.address,
            Business.phone,
            Business.fax,
            Business.email,
            Business.website,
            Business.corporate_number,
        )
        return (await session.execute(query)).all()
