from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.goal.models import Goal


class GoalRepository:
    async def get(self, session: AsyncSession, goal_id: int) -> Goal | None:
        return await session.get(Goal, goal_id)

    async def add(self, session: AsyncSession, goal: Goal) -> Goal:
        session.add(goal)
        await session.flush()
        return goal

    async def of_business(self, session: AsyncSession, business_id: int) -> Sequence[Goal]:
        query = select(Goal).where(Goal.business_id == business_id).order_by(Goal.id)
        return (await session.scalars(query)).all()

    async def delete(self, session: AsyncSession, goal: Goal) -> None:
        await session.delete(goal)
        await session.flush()
