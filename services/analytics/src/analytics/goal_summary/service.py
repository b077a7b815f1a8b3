from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from analytics.goal_summary.repository import GoalFactRepository
from analytics.newest import Incoming


class GoalSummaryService:
    def __init__(self) -> None:
        self.goals = GoalFactRepository()

    async def ingest(self, session: AsyncSession, goals: Sequence[Incoming]) -> None:
        await self.goals.upsert_newest(session, goals)


goal_summary_service = GoalSummaryService()
