from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from org_records.goal.models import Goal


class GoalRepository:
    async def get(self, session: AsyncSession, goal_id: int) -> Goal | None:
        return await session.get(Goal, goal_id)

    async def add(self, session: AsyncSession, goal: Goal) -> Goal:
        session.add(goal)
        await session.flush()
        return goal

    async def delete(self, session: AsyncSession, goal: Goal) -> None:
        await session.delete(goal)
        await session.flush()
