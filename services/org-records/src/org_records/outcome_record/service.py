"""Outcome records (成果レコード, sharing-policy.md §5): marked by the writes that change them, published by a worker.

Every write that can change what a business-quarter's record says marks it, in the write's own transaction
(`OutcomeRecordService.days_changed` and its siblings: one call in each write service). The worker
(`worker.OutcomeRecordWorker`) then recomputes the marked records and, in one transaction, queues to the outbox
only those whose content changed since last queued, with the next version, and removes the marks it consumed.
A business without sharing consent, or deleted, has a tombstone queued for every quarter it had published, and
nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import NotFound
from org_records.business.models import Business
from org_records.business.repository import BusinessRepository
from org_records.org import OrgIdentity
from org_records.outbox.repository import OutboxRepository
from org_records.outcome_record import events
from org_records.outcome_record.models import PublishedOutcomeRecord
from org_records.outcome_record.records import (
    DescribeBusiness,
    OutcomeRecord,
    Quarter,
    RecordOp,
    business_ref,
    k_anonymous_descriptors,
    quarter_containing,
    quarters_touched_by_figures,
    records_of,
)
from org_records.outcome_record.repository import OutcomeRecordRepository
from org_records.sharing.anonymity import Generaliser, Profile

OUTCOME_BUSINESS_FIELDS = frozenset({"sharing_consent", "support_stage", "jsic_major", "employees"})
"""What an outcome record carries of its business, or what decides whether it may carry anything."""
PROFILE_FIELDS = frozenset({"business_form", "jsic_major", "jsic_middle", "employees"})
"""What k-anonymity counts (sharing-policy.md §3): a change may move how other businesses are described."""


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A record (or tombstone) to queue for a business-quarter, with its next version."""

    business_id: int
    record: OutcomeRecord
    content_hash: str
    """Empty for a tombstone."""


@dataclass(frozen=True, slots=True)
class Round:
    """What one round of the worker queues, and the marks it consumes."""

    mark_ids: list[int]
    changes: list[RecordChange]


@dataclass(frozen=True, slots=True)
class RecordPreview:
    """One quarter's record exactly as it would leave now."""

    record: OutcomeRecord
    changed: bool
    """It differs from what was last queued (a new version would be published)."""


@dataclass(frozen=True, slots=True)
class OutcomeRecordsPreview:
    business_id: int
    records: list[RecordPreview]
    withheld_because: str | None = None


class OutcomeRecordService:
    def __init__(self, outbox: OutboxRepository | None = None) -> None:
        self.outbox = outbox or OutboxRepository()
        self.repository = OutcomeRecordRepository()
        self.businesses = BusinessRepository()

    # The marks: one call in each write service, in the write's transaction.

    async def days_changed(self, session: AsyncSession, business_id: int, *days: dt.date | None) -> None:
        """A session, policy support or 成果 of these days was recorded, changed (give the old and new days) or
        deleted."""
        for day in days:
            if day is not None:
                self.repository.add_mark(session, business_id, quarter_containing(day))

    async def figures_changed(self, session: AsyncSession, business_id: int, fiscal_year: int, quarter: int) -> None:
        """A quarter's figures were put or deleted: its record and next year's (the YoY base) may change."""
        for touched in quarters_touched_by_figures(fiscal_year, quarter):
            self.repository.add_mark(session, business_id, touched)

    async def business_changed(
        self,
        session: AsyncSession,
        business_id: int,
        changed_fields: Collection[str] | None,
        jsic_majors: Collection[str],
    ) -> None:
        """The business changed (`changed_fields`: those of its own fields that changed) or was deleted (None),
        in these 業種大分類 (before and after): every quarter of it is recomputed, and where its profile moved
        (or it went), every business of those 業種大分類, whose k-anonymous description it may have moved."""
        changed = set(changed_fields) if changed_fields is not None else None
        if changed is None or OUTCOME_BUSINESS_FIELDS & changed:
            self.repository.add_mark(session, business_id, None)
        if changed is None or PROFILE_FIELDS & changed:
            await self.register_changed(session, jsic_majors)

    async def goal_changed(self, session: AsyncSession, business_id: int) -> None:
        """A goal was set, changed or deleted: every quarter of its business is recomputed, since the goal counts
        in the quarters of its dates and its plan theme in every quarter from its 設定日 on."""
        self.repository.add_mark(session, business_id, None)

    async def register_changed(self, session: AsyncSession, jsic_majors: Collection[str] | None = None) -> None:
        """Businesses of these 業種大分類 came, went or changed their profile (k-anonymity counts them), or the
        plan's themes changed (None): every business of those 業種大分類 (of all) is recomputed."""
        for jsic_major in sorted(jsic_majors) if jsic_majors is not None else [None]:
            self.repository.add_mark(session, None, None, jsic_major)

    # The worker's round: computed in a read-only transaction, queued in a short write transaction, so that the
    # computing never holds up the writers (on SQLite, the one write slot).

    async def compute_round(self, session: AsyncSession, org: OrgIdentity, limit: int = 500) -> Round | None:
        """The marked records that changed since last queued, and the tombstones due; None when nothing is
        marked."""
        marks = await self.repository.pending_marks(session, limit)
        if not marks:
            return None
        wanted: dict[int, set[Quarter] | None] = {}
        register_marks = [mark for mark in marks if mark.business_id is None]
        if any(mark.jsic_major is None for mark in register_marks):
            wanted = dict.fromkeys(await self.repository.every_business_id(session))
        elif register_marks:
            majors = {mark.jsic_major for mark in register_marks if mark.jsic_major is not None}
            wanted = dict.fromkeys(await self.repository.business_ids_of(session, majors))
        for mark in marks:
            if mark.business_id is None:
                continue
            if mark.fiscal_year is None or mark.quarter is None:
                wanted[mark.business_id] = None
            elif (quarters := wanted.setdefault(mark.business_id, set())) is not None:
                quarters.add((mark.fiscal_year, mark.quarter))
        return Round([mark.id for mark in marks], await self._changes(session, org, wanted))

    async def queue_round(self, session: AsyncSession, round_: Round) -> bool:
        """Queue a computed round to the outbox, record what was queued, and drop its marks; the caller commits.
        False (nothing done; roll back) when a record's last queued version moved since the round was computed
        (another worker): its marks stay for the next round."""
        for change in round_.changes:
            key = (change.record.business_ref, *change.record.quarter)
            state = await self.repository.published_state(session, key)
            if (state.version if state else 0) != change.record.version - 1:
                return False
            if state is None:
                state = PublishedOutcomeRecord(
                    business_ref=key[0], business_id=change.business_id, fiscal_year=key[1], quarter=key[2]
                )
                self.repository.save_published(session, state)
            state.version, state.content_hash = change.record.version, change.content_hash
            state.withdrawn, state.updated_at = change.record.op == RecordOp.delete, change.record.updated_at
            record = change.record
            await self.outbox.add(session, events.outcome_record_subject(record), events.encode_outcome_record(record))
        await self.repository.delete_marks(session, round_.mark_ids)
        return True

    async def _changes(
        self, session: AsyncSession, org: OrgIdentity, wanted: dict[int, set[Quarter] | None]
    ) -> list[RecordChange]:
        activities = await self.repository.activities(session, wanted.keys())
        published = await self.repository.published(session, wanted.keys())
        theme_codes = await self.repository.theme_codes(session)
        describe = await self.describer(session, org, [activity.business for activity in activities.values()])
        now = utc_now()
        changes: list[RecordChange] = []
        for business_id, quarters in sorted(wanted.items()):
            activity = activities.get(business_id)
            ref = business_ref(org, activity.business) if activity else None
            own = {state.quarter_key: state for state in published.get(business_id, []) if state.business_ref == ref}
            # A deleted business, or the one that had this id before (SQLite reuses ids): all of it is withdrawn.
            gone = [state for state in published.get(business_id, []) if state.business_ref != ref]
            changes += [_tombstone(org, state, now) for state in gone if not state.withdrawn]
            if activity is None or ref is None:
                continue
            if quarters is None:
                quarters = set(own) | activity.quarters()
            records = records_of(activity, quarters, org, theme_codes, describe)
            for quarter in sorted(quarters):
                change = _change(org, business_id, ref, quarter, records.get(quarter), own.get(quarter), now)
                if change is not None:
                    changes.append(change)
        return changes

    async def describer(
        self, session: AsyncSession, org: OrgIdentity, businesses: Iterable[Business]
    ) -> DescribeBusiness:
        """業種大分類 and 従業員帯 of these businesses, k-anonymous against the register as this transaction sees it."""
        majors = {business.jsic_major for business in businesses}
        by_major: dict[str, list[Profile]] = {major: [] for major in majors}
        for row in await self.businesses.profiles(session, majors) if majors else []:
            by_major[row.jsic_major].append(
                Profile(row.business_form, row.jsic_major, row.jsic_middle or "", row.employees)
            )
        generalisers = {major: Generaliser(profiles, org.k_anonymity) for major, profiles in by_major.items()}
        return k_anonymous_descriptors(generalisers)

    # 成果レコードのプレビュー.

    async def preview(self, session: AsyncSession, business_id: int, org: OrgIdentity) -> OutcomeRecordsPreview:
        """Exactly the records that would leave for a business now, quarter by quarter."""
        activity = (await self.repository.activities(session, [business_id])).get(business_id)
        if activity is None:
            raise NotFound(f"business {business_id} not found")
        if not activity.business.sharing_consent:
            return OutcomeRecordsPreview(
                business_id, [], withheld_because="事業者の共有同意がありません (no sharing consent)"
            )
        ref = business_ref(org, activity.business)
        states = {
            state.quarter_key: state
            for state in (await self.repository.published(session, [business_id])).get(business_id, [])
            if state.business_ref == ref
        }
        records = records_of(
            activity,
            activity.quarters(),
            org,
            await self.repository.theme_codes(session),
            await self.describer(session, org, [activity.business]),
        )
        return OutcomeRecordsPreview(business_id, list(_previews(records.values(), states)))


def _change(
    org: OrgIdentity,
    business_id: int,
    ref: str,
    quarter: Quarter,
    record: OutcomeRecord | None,
    state: PublishedOutcomeRecord | None,
    now: dt.datetime,
) -> RecordChange | None:
    """What to queue for a business-quarter given its record now (None: none may leave) and what was queued last."""
    if record is None:
        if state is None or state.withdrawn:
            return None  # never published, or already withdrawn: nothing to say
        return _tombstone(org, state, now)
    digest = events.content_hash(record)
    if state is not None and not state.withdrawn and state.content_hash == digest:
        return None
    version = state.version + 1 if state else 1
    return RecordChange(business_id, dataclasses.replace(record, version=version, updated_at=now), digest)


def _tombstone(org: OrgIdentity, state: PublishedOutcomeRecord, now: dt.datetime) -> RecordChange:
    tombstone = OutcomeRecord(
        business_ref=state.business_ref,
        op=RecordOp.delete,
        version=state.version + 1,
        updated_at=now,
        org_id=org.org_id,
        fiscal_year=state.fiscal_year,
        fiscal_quarter=state.quarter,
    )
    return RecordChange(state.business_id, tombstone, "")


def _previews(
    records: Iterable[OutcomeRecord], states: dict[Quarter, PublishedOutcomeRecord]
) -> Iterable[RecordPreview]:
    for record in records:
        state = states.get(record.quarter)
        unchanged = state is not None and not state.withdrawn and state.content_hash == events.content_hash(record)
        version = state.version if unchanged and state else (state.version + 1 if state else 1)
        updated_at = state.updated_at if unchanged and state else utc_now()
        yield RecordPreview(dataclasses.replace(record, version=version, updated_at=updated_at), changed=not unchanged)


outcome_record_service = OutcomeRecordService()
