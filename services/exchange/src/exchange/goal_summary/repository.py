from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from exchange.goal_summary.models import SharedGoal
from exchange.goal_summary.schemas import SearchParams

if TYPE_CHECKING:
    from exchange.goal_summary.service import IncomingSummary

_KEY = ("org_id", "goal_ref")
_PURGED_ON_WITHDRAWAL = {
    "org_name": "", "staff_name": "", "staff_handle": "", "business_form": "", "jsic_major": "",
    "jsic_middle": "", "employee_band": "", "set_on": None, "category": "", "text": "", "status": "",
    "achieved_on": None,
}  # fmt: skip
MAX_TERMS = 10
# asyncpg allows 32,767 bind parameters per statement; a summary row takes 18.
ROWS_PER_STATEMENT = 1_000
MAX_TERM_LENGTH = 100


class SharedGoalRepository:
    async def upsert_newest(self, session: AsyncSession, summaries: Sequence[IncomingSummary]) -> None:
        """One statement per batch; each row replaces the stored one only if it supersedes it."""
        if not summaries:
            return
        rows: list[dict[str, Any]] = []
        for summary in summaries:
            row = dataclasses.asdict(summary)
            if summary.withdrawn:
                row |= _PURGED_ON_WITHDRAWAL
            rows.append(row)
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            await self._upsert_rows(session, rows[start : start + ROWS_PER_STATEMENT])

    async def _upsert_rows(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = insert(SharedGoal).values(rows)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={name: excluded[name] for name in rows[0] if name not in _KEY} | {"ingested_at": func.now()},
            where=or_(
                excluded.version > SharedGoal.version,
                and_(excluded.version == SharedGoal.version, excluded.withdrawn, ~SharedGoal.withdrawn),
            ),
        )
        await session.execute(statement)

    async def search(self, session: AsyncSession, params: SearchParams) -> tuple[Sequence[SharedGoal], int]:
        conditions = [~SharedGoal.withdrawn]
        for term in params.q.split()[:MAX_TERMS]:
            conditions.append(SharedGoal.text.icontains(term[:MAX_TERM_LENGTH], autoescape=True))
        for name in ("category", "jsic_major", "status"):
            if value := getattr(params, name):
                conditions.append(getattr(SharedGoal, name) == value)
        total = await session.scalar(select(func.count()).select_from(SharedGoal).where(*conditions)) or 0
        query = (
            select(SharedGoal)
            .where(*conditions)
            .order_by(
                SharedGoal.set_on.desc().nulls_last(),
                SharedGoal.updated_at.desc(),
                SharedGoal.org_id,
                SharedGoal.goal_ref,
            )
            .limit(params.limit)
            .offset(params.offset)
        )
        return (await session.scalars(query)).all(), total

    async def get(self, session: AsyncSession, org_id: str, goal_ref: str) -> SharedGoal | None:
        return await session.get(SharedGoal, (org_id, goal_ref))
