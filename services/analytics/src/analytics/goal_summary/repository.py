from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.goal_summary.models import GoalFact
from analytics.newest import Incoming, upsert_newest

KEY = ("org_id", "goal_ref")


class GoalFactRepository:
    async def upsert_newest(self, session: AsyncSession, goals: Sequence[Incoming]) -> None:
        if goals:
            await upsert_newest(session, GoalFact, KEY, goals)

    async def achieved(self, session: AsyncSession, org_ids: Collection[str] | None = None) -> Sequence[GoalFact]:
        """Goals in force that were achieved, with both dates."""
        query = select(GoalFact).where(
            ~GoalFact.withdrawn, GoalFact.achieved_on.is_not(None), GoalFact.set_on.is_not(None)
        )
        if org_ids is not None:
            query = query.where(GoalFact.org_id.in_(sorted(org_ids)))
        return (await session.scalars(query.order_by(GoalFact.org_id, GoalFact.goal_ref))).all()

    async def get(self, session: AsyncSession, org_id: str, goal_ref: str) -> GoalFact | None:
        return await session.get(GoalFact, (org_id, goal_ref))
