from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business
from org_records.pagination import Page, PageRequest, keyset_page

REGISTER_LOCK_KEY = 0x62616E736F  # "banso": the advisory lock of the business register


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

    async def hold_register(self, session: AsyncSession, *, exclusive: bool) -> None:
        """Until the transaction ends: exclusive for a change of the register, shared for a description read
        from it, so that no goal is published counting a business that a concurrent transaction removes.
        (SQLite writes one transaction at a time already.)"""
        if session.get_bind().dialect.name == "postgresql":
            function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
            await session.execute(text(f"SELECT {function}(:key)"), {"key": REGISTER_LOCK_KEY})

    async def profiles(self, session: AsyncSession, jsic_majors: Collection[str] | None = None) -> Sequence[Any]:
        """id, 事業形態, 業種, 従業員数 and 共有同意 of every business in the register (of some 業種大分類), for
        k-anonymity."""
        query = select(
            Business.id,
            Business.business_form,
            Business.jsic_major,
            Business.jsic_middle,
            Business.employees,
            Business.sharing_consent,
        )
        if jsic_majors is not None:
            query = query.where(Business.jsic_major.in_(sorted(jsic_majors)))
        return (await session.execute(query)).all()

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
