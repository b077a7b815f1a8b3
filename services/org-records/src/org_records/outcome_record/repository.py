from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import Integer, Select, case, cast, delete, extract, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.vocabulary import GoalStatus
from banso_core.wakeup import wake_after_commit
from org_records.business.models import Business
from org_records.financials.models import QuarterlyFinancials
from org_records.goal.models import Goal
from org_records.outcome.models import OutcomeEvent
from org_records.outcome_record.models import OutcomeRecordMark, PublishedOutcomeRecord
from org_records.outcome_record.records import TALLIES, BusinessActivity, Quarter, Tally, dropped_on
from org_records.plan.models import Plan, PlanTheme
from org_records.policy_support.models import PolicySupport
from org_records.support_session.models import SupportSession

OUTCOME_WORKER = "outcome_record_worker"
"""The worker's round (`banso_core.wakeup`): woken after a commit that marked a record."""
"""session.info key: the transaction wrote marks (the worker is woken after the commit)."""
MARKS_IN_TRANSACTION = "outcome_record_marks"

_CHUNK = 500
"""Ids per IN (…): well inside every backend's limit on bound parameters."""


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


class OutcomeRecordRepository:
    def add_mark(
        self, session: AsyncSession, business_id: int | None, quarter: Quarter | None, jsic_major: str | None = None
    ) -> None:
        """Mark a business-quarter (quarter None: every quarter; business None: every business of `jsic_major`, or
        of the register) once per transaction."""
        key = (business_id, quarter, jsic_major)
        written: set[Any] = session.info.setdefault(MARKS_IN_TRANSACTION, set())
        if key in written:
            return
        written.add(key)
        fiscal_year, number = quarter if quarter is not None else (None, None)
        session.add(
            OutcomeRecordMark(business_id=business_id, fiscal_year=fiscal_year, quarter=number, jsic_major=jsic_major)
        )
        wake_after_commit(session, OUTCOME_WORKER)

    async def pending_marks(self, session: AsyncSession, limit: int) -> Sequence[OutcomeRecordMark]:
        query = select(OutcomeRecordMark).order_by(OutcomeRecordMark.id).limit(limit)
        return (await session.scalars(query)).all()

    async def delete_marks(self, session: AsyncSession, ids: Sequence[int]) -> None:
        for part in _chunks(ids):
            await session.execute(delete(OutcomeRecordMark).where(OutcomeRecordMark.id.in_(part)))

    async def every_business_id(self, session: AsyncSession) -> set[int]:
        """Every business in the register and every business that ever had a record queued (deleted since)."""
        query = union(select(Business.id), select(PublishedOutcomeRecord.business_id))
        return set((await session.scalars(query)).all())

    async def business_ids_of(self, session: AsyncSession, jsic_majors: Collection[str]) -> set[int]:
        query = select(Business.id).where(Business.jsic_major.in_(sorted(jsic_majors)))
        return set((await session.scalars(query)).all())

    async def activities(self, session: AsyncSession, business_ids: Collection[int]) -> dict[int, BusinessActivity]:
        """Each business that still exists, with its counts tallied in SQL by fiscal quarter and code (so that a
        business with thousands of sessions or goals costs a few grouped rows), its dropped and themed goals and
        its quarterly figures."""
        activities: dict[int, BusinessActivity] = {}
        for part in _chunks(business_ids):
            found = {
                business.id: BusinessActivity(business, {name: {} for name in TALLIES})
                for business in await session.scalars(select(Business).where(Business.id.in_(part)))
            }
            if not found:
                continue
            activities |= found
            ids = list(found)
            for name, tally in TALLIES.items():
                for business_id, fiscal_year, quarter, code, total in await session.execute(_tally_query(tally, ids)):
                    tallied = found[business_id].tallies[name]
                    tallied.setdefault((int(fiscal_year), int(quarter)), Counter())[code] += int(total)
            dropped = select(Goal).where(Goal.business_id.in_(ids), Goal.status == GoalStatus.dropped)
            for goal in await session.scalars(dropped):
                found[goal.business_id].dropped_goals.append((goal.category, dropped_on(goal)))
            themed = select(Goal.business_id, Goal.set_on, Goal.plan_theme).where(
                Goal.business_id.in_(ids), Goal.plan_theme.is_not(None)
            )
            for business_id, set_on, theme in await session.execute(themed):
                if theme is not None:
                    found[business_id].themed_goals.append((set_on, theme))
            figures = select(QuarterlyFinancials).where(QuarterlyFinancials.business_id.in_(ids))
            for row in await session.scalars(figures):
                found[row.business_id].figures.append(row)
        return activities

    async def published(
        self, session: AsyncSession, business_ids: Collection[int]
    ) -> dict[int, list[PublishedOutcomeRecord]]:
        """What was last queued for every quarter of these businesses (and of deleted ones that had their ids)."""
        states: dict[int, list[PublishedOutcomeRecord]] = defaultdict(list)
        for part in _chunks(business_ids):
            query = select(PublishedOutcomeRecord).where(PublishedOutcomeRecord.business_id.in_(part))
            for state in await session.scalars(query):
                states[state.business_id].append(state)
        return states

    async def published_state(self, session: AsyncSession, key: tuple[str, int, int]) -> PublishedOutcomeRecord | None:
        return await session.get(PublishedOutcomeRecord, key)

    def save_published(self, session: AsyncSession, state: PublishedOutcomeRecord) -> None:
        session.add(state)

    async def theme_codes(self, session: AsyncSession) -> dict[str, str]:
        """Each plan theme's code and title → its code (titles of older plans first, so newer ones win)."""
        query = (
            select(PlanTheme.code, PlanTheme.title)
            .join(Plan, Plan.id == PlanTheme.plan_id)
            .order_by(Plan.starts_on, Plan.id, PlanTheme.position)
        )
        codes: dict[str, str] = {}
        rows = (await session.execute(query)).all()
        for code, title in rows:
            codes[title] = code
        for code, _ in rows:
            codes[code] = code
        return codes


_SOURCES: dict[str, Any] = {
    "sessions": SupportSession,
    "goals": Goal,
    "policy_supports": PolicySupport,
    "outcomes": OutcomeEvent,
}


def _tally_query(tally: Tally, business_ids: list[int]) -> Select[Any]:
    """(business, fiscal year, quarter, code, count or sum) of `tally`, grouped in SQL."""
    model = _SOURCES[tally.source]
    day = getattr(model, tally.day)
    year, month = cast(extract("year", day), Integer), cast(extract("month", day), Integer)
    fiscal_year = year - case((month < 4, 1), else_=0)
    quarter = case((month < 4, 4), (month < 7, 1), (month < 10, 2), else_=3)
    code = getattr(model, tally.code)
    if tally.code_with is not None:
        code = code + "/" + getattr(model, tally.code_with)
    total = func.sum(getattr(model, tally.weight)) if tally.weight else func.count()
    query = select(model.business_id, fiscal_year, quarter, code, total).where(
        model.business_id.in_(business_ids), day.is_not(None)
    )
    if tally.only is not None:
        query = query.where(getattr(model, tally.only[0]) == tally.only[1])
    return query.group_by(model.business_id, fiscal_year, quarter, code)
