from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business
from org_records.pagination import Page, PageRequest, keyset_page


class BusinessRepository:
    async def get(self, session: AsyncSession, business_id: int) -> Business | None:
        return await session.get(Business, business_id)

    async def add(self, session: AsyncSession, business: Business) -> Business:
        session.add(business)
        await session.flush()
        return business

    async def delete(self, session: AsyncSession, business: Business) -> None:
        await session.delete(business)
        await session.flush()

    async def page(
        self, session: AsyncSession, request: PageRequest, *, support_stage: str | None, staff_id: int | None
    ) -> Page[Business]:
        query = select(Business)
        if support_stage is not None:
            query = query.where(Business.support_stage == support_stage)
        if staff_id is not None:
            query = query.where(Business.staff_id == staff_id)
        return await keyset_page(session, query, Business.updated_at, Business.id, request)

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
