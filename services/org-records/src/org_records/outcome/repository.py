from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.goal.models import Goal
from org_records.outcome.models import OutcomeEvent


class OutcomeRepository:
    async def get(self, session: AsyncSession, outcome_id: int) -> OutcomeEvent | None:
        return await session.get(OutcomeEvent, outcome_id)

    async def add(self, session: AsyncSession, record: OutcomeEvent) -> OutcomeEvent:
        session.add(record)
        await session.flush()
        return record

    async def delete(self, session: AsyncSession, record: OutcomeEvent) -> None:
        await session.delete(record)
        await session.flush()

    async def list_for_business(self, session: AsyncSession, business_id: int) -> Sequence[OutcomeEvent]:
        query = (
            select(OutcomeEvent)
            .where(OutcomeEvent.business_id == business_id)
            .order_by(OutcomeEvent.updated_at, OutcomeEvent.id)
        )
        return (await session.scalars(query)).all()

    async def goal_of_business(self, session: AsyncSession, business_id: int, goal_id: int) -> Goal | None:
        query = select(Goal).where(Goal.id == goal_id, Goal.business_id == business_id)
        return (await session.scalars(query)).one_or_none()
