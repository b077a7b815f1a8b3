from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from exchange.goal_summary.analysis import IndexedTerms
from exchange.goal_summary.models import SharedGoal

if TYPE_CHECKING:
    from exchange.goal_summary.service import IncomingSummary

_KEY = ("org_id", "goal_ref")
_PURGED_ON_WITHDRAWAL = {
    "org_name": "", "staff_name": "", "staff_handle": "", "business_form": "", "jsic_major": "",
    "jsic_middle": "", "employee_band": "", "set_on": None, "category": "", "text": "", "status": "",
    "achieved_on": None, "search_words": "", "search_synonyms": "", "search_labels": "", "search_bigrams": "",
}  # fmt: skip
# asyncpg allows 32,767 bind parameters per statement; a summary row takes 23.
ROWS_PER_STATEMENT = 1_000


class SharedGoalRepository:
    async def upsert_newest(
        self,
        session: AsyncSession,
        summaries: Sequence[IncomingSummary],
        terms: Mapping[tuple[str, str], IndexedTerms],
    ) -> None:
        """One statement per batch; each row replaces the stored one only if it supersedes it."""
        if not summaries:
            return
        names = [field.name for field in dataclasses.fields(summaries[0])]  # asdict() deep-copies: slow
        stamp = await self._ingested_seq(session)
        rows: list[dict[str, Any]] = []
        for summary in summaries:
            row = {name: getattr(summary, name) for name in names} | {"ingested_seq": stamp}
            if summary.withdrawn:
                row |= _PURGED_ON_WITHDRAWAL
            else:
                row |= terms[summary.key].fields()
            rows.append(row)
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            await self._upsert_rows(session, rows[start : start + ROWS_PER_STATEMENT])

    @staticmethod
    async def _ingested_seq(session: AsyncSession) -> int:
        """What this transaction's writes are stamped with (index.py reads by it)."""
        if session.get_bind().dialect.name == "postgresql":
            return int(await session.scalar(text("SELECT pg_current_xact_id()::text::bigint")) or 0)
        # SQLite writers are serialised (BEGIN IMMEDIATE), so the stored maximum + 1 follows commit order.
        return int(await session.scalar(select(func.coalesce(func.max(SharedGoal.ingested_seq), 0))) or 0) + 1

    async def _upsert_rows(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        # executemany of one cached statement: a multi-VALUES statement is compiled afresh for every batch size.
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = insert(SharedGoal)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={name: excluded[name] for name in rows[0] if name not in _KEY} | {"ingested_at": func.now()},
            where=or_(
                excluded.version > SharedGoal.version,
                and_(excluded.version == SharedGoal.version, excluded.withdrawn, ~SharedGoal.withdrawn),
            ),
        )
        await session.execute(statement, rows)

    async def get(self, session: AsyncSession, org_id: str, goal_ref: str) -> SharedGoal | None:
        return await session.get(SharedGoal, (org_id, goal_ref))

    async def get_many(
        self, session: AsyncSession, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], SharedGoal]:
        """The stored rows of these goals (a page's), by key."""
        if not keys:
            return {}
        # Two INs probe the primary key (a row-value IN makes SQLite scan the table); the few extra rows they
        # may match are dropped here.
        wanted = set(keys)
        query = select(SharedGoal).where(
            SharedGoal.org_id.in_({org_id for org_id, _ in wanted}),
            SharedGoal.goal_ref.in_({goal_ref for _, goal_ref in wanted}),
        )
        goals = (await session.scalars(query)).all()
        return {key: goal for goal in goals if (key := (goal.org_id, goal.goal_ref)) in wanted}

    async def delete_all(self, session: AsyncSession) -> int:
        """Empty the store (the rebuild's first step)."""
        result = await session.execute(delete(SharedGoal))
        return int(getattr(result, "rowcount", 0) or 0)

    async def count(self, session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(SharedGoal)) or 0)
