from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from exchange.similar_alert.models import SimilarGoalPair


class SimilarGoalPairRepository:
    async def get(self, session: AsyncSession, alert_id: str) -> SimilarGoalPair | None:
        return await session.get(SimilarGoalPair, alert_id)

    async def add(self, session: AsyncSession, pair: SimilarGoalPair) -> None:
        session.add(pair)
        await session.flush()

    async def alerts_since(self, session: AsyncSession, org_id: str, staff_handle: str, since: dt.datetime) -> int:
        """Alerts one 担当者 of one organization received since a moment."""
        first = (SimilarGoalPair.first_org_id == org_id) & (SimilarGoalPair.first_staff_handle == staff_handle)
        second = (SimilarGoalPair.second_org_id == org_id) & (SimilarGoalPair.second_staff_handle == staff_handle)
        query = (
            select(func.count())
            .select_from(SimilarGoalPair)
            .where(SimilarGoalPair.found_at >= since)
            .where(
                or_(
                    first & SimilarGoalPair.alerted.in_(("both", "first")),
                    second & SimilarGoalPair.alerted.in_(("both", "second")),
                )
            )
        )
        return int(await session.scalar(query) or 0)
