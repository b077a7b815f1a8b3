from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.policy_support.models import PolicySupport


class PolicySupportRepository:
    async def get(self, session: AsyncSession, policy_support_id: int) -> PolicySupport | None:
        return await session.get(PolicySupport, policy_support_id)

    async def add(self, session: AsyncSession, record: PolicySupport) -> PolicySupport:
        session.add(record)
        await session.flush()
        return record

    async def delete(self, session: AsyncSession, record: PolicySupport) -> None:
        await session.delete(record)
        await session.flush()

    async def list_for_business(self, session: AsyncSession, business_id: int) -> Sequence[PolicySupport]:
        query = (
            select(PolicySupport)
            .where(PolicySupport.business_id == business_id)
            .order_by(PolicySupport.updated_at, PolicySupport.id)
        )
        return (await session.scalars(query)).all()
