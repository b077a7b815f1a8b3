from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.goal.models import Goal
from org_records.pagination import Page, PageRequest, keyset_page


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

    async def page(
        self,
        session: AsyncSession,
        request: PageRequest,
        *,
        business_id: int | None,
        staff_id: int | None,
        category: str | None,
        status: str | None,
    ) -> Page[Goal]:
        query = select(Goal)
        if business_id is not None:
            query = query.where(Goal.business_id == business_id)
        if staff_id is not None:
            query = query.where(Goal.staff_id == staff_id)
        if category is not None:
            query = query.where(Goal.category == category)
        if status is not None:
            query = query.where(Goal.status == status)
        return await keyset_page(session, query, Goal.updated_at, Goal.id, request)
