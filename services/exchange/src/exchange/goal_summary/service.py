from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from exchange.goal_summary.models import SharedGoal
from exchange.goal_summary.repository import SharedGoalRepository
from exchange.goal_summary.schemas import SearchParams


@dataclass(frozen=True, slots=True)
class IncomingSummary:
    """A summary as received, already checked against its subject."""

    org_id: str
    goal_ref: str
    version: int
    withdrawn: bool
    updated_at: dt.datetime
    org_name: str = ""
    staff_name: str = ""
    staff_handle: str = ""
    business_form: str = ""
    jsic_major: str = ""
    jsic_middle: str = ""
    employee_band: str = ""
    set_on: dt.date | None = None
    category: str = ""
    text: str = ""
    status: str = ""
    achieved_on: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.org_id, self.goal_ref)

    def supersedes(self, other: IncomingSummary) -> bool:
        """Higher version wins; at the same version a tombstone wins over an upsert."""
        return (self.version, self.withdrawn) > (other.version, other.withdrawn)


def newest_per_goal(summaries: Iterable[IncomingSummary]) -> list[IncomingSummary]:
    newest: dict[tuple[str, str], IncomingSummary] = {}
    for summary in summaries:
        held = newest.get(summary.key)
        if held is None or summary.supersedes(held):
            newest[summary.key] = summary
    return list(newest.values())


class GoalSummaryService:
    def __init__(self) -> None:
        self.shared_goals = SharedGoalRepository()

    async def ingest(self, session: AsyncSession, summaries: Sequence[IncomingSummary]) -> None:
        """Apply a batch idempotently: older versions never overwrite newer ones, tombstones purge."""
        await self.shared_goals.upsert_newest(session, newest_per_goal(summaries))

    async def search(self, session: AsyncSession, params: SearchParams) -> tuple[Sequence[SharedGoal], int]:
        return await self.shared_goals.search(session, params)


goal_summary_service = GoalSummaryService()
