"""The publishing edge: the one code path that turns a goal into what may leave the organization.

A summary carries exactly the fields of sharing-policy.md §1 — `GoalSummary` has no slot for anything
else, and `events.encode_goal_summary` refuses a contract that grows one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import NotFound
from org_records.business.models import Business
from org_records.business.repository import BusinessRepository
from org_records.goal.models import Goal
from org_records.goal.repository import GoalRepository
from org_records.org import OrgIdentity
from org_records.outbox.repository import OutboxRepository
from org_records.sharing import events
from org_records.sharing.anonymity import Descriptors, Generaliser, Profile
from org_records.sharing.scrub import ScrubResult, scrub_goal_text
from org_records.staff.models import Staff
from org_records.staff.repository import StaffRepository


class SummaryOp(StrEnum):
    upsert = "upsert"
    delete = "delete"


@dataclass(frozen=True, slots=True)
class GoalSummary:
    """共有される目標の要約: the allow-list of sharing-policy.md §1, and nothing more."""

    goal_ref: str
    op: SummaryOp
    version: int
    updated_at: dt.datetime
    org_id: str
    org_name: str
    staff_name: str = ""
    staff_handle: str = ""
    business_form: str = ""
    jsic_major: str = ""
    jsic_middle: str = ""
    employee_band: str = ""
    set_on: str = ""
    category: str = ""
    text: str = ""
    status: str = ""
    achieved_on: str = ""


def goal_is_shareable(goal: Goal, business: Business) -> bool:
    return business.sharing_consent and goal.shared


def profile_of(business: Business) -> Profile:
    return Profile(business.business_form, business.jsic_major, business.jsic_middle or "", business.employees)


def summarize_goal(
    goal: Goal, descriptors: Descriptors, staff: Staff | None, org: OrgIdentity, scrubbed_text: str
) -> GoalSummary:
    """The summary of a shareable goal: `descriptors` are its business's k-anonymous ones, `scrubbed_text` the
    goal text after `scrub_goal_text`."""
    return GoalSummary(
        goal_ref=org.opaque_ref("goal", goal.id, goal.created_at),
        op=SummaryOp.upsert,
        version=goal.version,
        updated_at=goal.updated_at,
        org_id=org.org_id,
        org_name=org.org_name,
        staff_name=staff.display_name if staff else "",
        staff_handle=org.opaque_ref("staff", staff.id, staff.created_at) if staff else "",
        business_form=descriptors.business_form,
        jsic_major=descriptors.jsic_major,
        jsic_middle=descriptors.jsic_middle,
        employee_band=descriptors.employee_band,
        set_on=goal.set_on.isoformat(),
        category=goal.category,
        text=scrubbed_text,
        status=goal.status,
        achieved_on=goal.achieved_on.isoformat() if goal.achieved_on else "",
    )


def goal_tombstone(goal: Goal, org: OrgIdentity, version: int, at: dt.datetime) -> GoalSummary:
    return GoalSummary(
        goal_ref=org.opaque_ref("goal", goal.id, goal.created_at),
        op=SummaryOp.delete,
        version=version,
        updated_at=at,
        org_id=org.org_id,
        org_name=org.org_name,
    )


@dataclass(frozen=True, slots=True)
class SharePreview:
    goal_id: int
    summary: GoalSummary | None = None
    scrubbed: ScrubResult | None = None
    withheld_because: str | None = None


_GENERALISERS = "sharing.generalisers"
_REGISTER_CHANGE_OPEN = "sharing.register_change_open"
_PUBLISHED_AS = "sharing.published_as"
_UNSEEN = object()
NOT_K_ANONYMOUS = (
    "業種大分類だけでも同じ事業者が{k}者未満のため共有されません "
    "(fewer than {k} businesses of the register share even its industry: not k-anonymous)"
)


class SharingService:
    def __init__(self, outbox: OutboxRepository | None = None) -> None:
        self.outbox = outbox or OutboxRepository()
        self.goals = GoalRepository()
        self.businesses = BusinessRepository()
        self.staff = StaffRepository()

    async def publish_goal(
        self, session: AsyncSession, goal: Goal, business: Business, staff: Staff | None, org: OrgIdentity
    ) -> GoalSummary:
        """Queue the goal's current shared state: its summary, or a tombstone when it may not be shared."""
        descriptors = await self.descriptors_of(session, business, org) if goal_is_shareable(goal, business) else None
        session.info.setdefault(_PUBLISHED_AS, {})[goal.id] = descriptors
        if descriptors is not None:
            scrubbed = await self.scrub(session, goal.text, org)
            summary = summarize_goal(goal, descriptors, staff, org, scrubbed.text)
        else:
            summary = goal_tombstone(goal, org, goal.version, goal.updated_at)
        await self._queue(session, summary)
        return summary

    async def preview(self, session: AsyncSession, goal_id: int, org: OrgIdentity) -> SharePreview:
        """共有プレビュー: exactly the summary that would leave for a goal, and what scrubbing replaced."""
        goal = await self.goals.get(session, goal_id)
        if goal is None:
            raise NotFound(f"goal {goal_id} not found")
        business = await self.businesses.get(session, goal.business_id)
        assert business is not None  # goal.business_id is a foreign key
        if not business.sharing_consent:
            return SharePreview(goal_id, withheld_because="事業者の共有同意がありません (no sharing consent)")
        if not goal.shared:
            return SharePreview(goal_id, withheld_because="この目標は共有しない設定です (sharing turned off)")
        descriptors = await self.descriptors_of(session, business, org)
        if descriptors is None:
            return SharePreview(goal_id, withheld_because=NOT_K_ANONYMOUS.format(k=org.k_anonymity))
        staff = await self.staff.get(session, goal.staff_id) if goal.staff_id is not None else None
        scrubbed = await self.scrub(session, goal.text, org)
        return SharePreview(goal_id, summarize_goal(goal, descriptors, staff, org, scrubbed.text), scrubbed)

    async def scrub(self, session: AsyncSession, text: str, org: OrgIdentity) -> ScrubResult:
        return scrub_goal_text(text, await org.register_scrubber.current(session))

    async def descriptors_of(self, session: AsyncSession, business: Business, org: OrgIdentity) -> Descriptors | None:
        """The business's k-anonymous descriptors against the register as this transaction sees it."""
        generalisers: dict[str, Generaliser] = session.info.setdefault(_GENERALISERS, {})
        generaliser = generalisers.get(business.jsic_major)
        if generaliser is None:
            await self.businesses.hold_register(session, exclusive=False)
            rows = await self.businesses.profiles(session, {business.jsic_major})
            generaliser = Generaliser((_profile(row) for row in rows), org.k_anonymity)
            generalisers[business.jsic_major] = generaliser
        return generaliser.descriptors(profile_of(business))

    @contextlib.asynccontextmanager
    async def register_change(
        self, session: AsyncSession, org: OrgIdentity, jsic_majors: Collection[str] | None
    ) -> AsyncIterator[set[int]]:
        """Around a change of the register (businesses added, changed, deleted in these 業種大分類, or any when
        None): afterwards, the goals of every other consenting business whose k-anonymous descriptors moved
        are republished. Yields the set of businesses so republished; an enclosing change (a whole import)
        does it once at its end instead."""
        republished: set[int] = set()
        if jsic_majors is not None and not jsic_majors:
            yield republished
            return
        if session.info.get(_REGISTER_CHANGE_OPEN):
            try:
                yield republished
            finally:
                session.info.pop(_GENERALISERS, None)
            return
        await self.businesses.hold_register(session, exclusive=True)
        before = await self._shared_descriptors(session, org, jsic_majors)
        session.info[_REGISTER_CHANGE_OPEN] = True
        try:
            yield republished
        finally:
            session.info.pop(_REGISTER_CHANGE_OPEN, None)
            session.info.pop(_GENERALISERS, None)
        await session.flush()
        after = await self._shared_descriptors(session, org, jsic_majors)
        moved = [
            business_id
            for business_id, descriptors in after.items()
            if before.get(business_id, descriptors) != descriptors
        ]
        published_as: dict[int, Descriptors | None] = session.info.get(_PUBLISHED_AS, {})
        for business_id in moved:
            business = await self.businesses.get(session, business_id)
            assert business is not None
            final = after[business_id]

            def published_with_final(goal: Goal, final: Descriptors | None = final) -> bool:
                # A goal already published in this transaction as the business is now described (an import's).
                return published_as.get(goal.id, _UNSEEN) == final

            await self.reshare_goals_of(session, business, org, utc_now(), unless=published_with_final)
            republished.add(business_id)

    async def _shared_descriptors(
        self, session: AsyncSession, org: OrgIdentity, jsic_majors: Collection[str] | None
    ) -> dict[int, Descriptors | None]:
        by_major: dict[str, list[Any]] = {}
        for row in await self.businesses.profiles(session, jsic_majors):
            by_major.setdefault(row.jsic_major, []).append(row)
        shared: dict[int, Descriptors | None] = {}
        for rows in by_major.values():
            generaliser = Generaliser((_profile(row) for row in rows), org.k_anonymity)
            shared |= {row.id: generaliser.descriptors(_profile(row)) for row in rows if row.sharing_consent}
        return shared

    async def withdraw_goal(self, session: AsyncSession, goal: Goal, org: OrgIdentity, at: dt.datetime) -> None:
        # A deleted goal has no next version of its own; the tombstone takes one past the last.
        await self._queue(session, goal_tombstone(goal, org, goal.version + 1, at))

    async def reshare_goals_of(
        self,
        session: AsyncSession,
        business: Business,
        org: OrgIdentity,
        at: dt.datetime,
        unless: Callable[[Goal], bool] = lambda goal: False,
    ) -> None:
        """The business changed what its goals share (consent, profile): each goal takes a new version and its
        summary, or a tombstone when consent is gone, is queued; a later change of mind outranks it."""
        for goal in await self.goals.of_business(session, business.id):
            if unless(goal):
                continue
            goal.version += 1
            goal.updated_at = at
            staff = await self.staff.get(session, goal.staff_id) if goal.staff_id is not None else None
            await self.publish_goal(session, goal, business, staff, org)
        await session.flush()

    async def withdraw_goals_of(
        self, session: AsyncSession, business: Business, org: OrgIdentity, at: dt.datetime
    ) -> None:
        """The business is being deleted: every goal is withdrawn as a deleted goal is."""
        for goal in await self.goals.of_business(session, business.id):
            await self.withdraw_goal(session, goal, org, at)

    async def _queue(self, session: AsyncSession, summary: GoalSummary) -> None:
        await self.outbox.add(
            session,
            events.goal_summary_subject(summary.org_id, summary.goal_ref),
            events.encode_goal_summary(summary),
        )


def _profile(row: Any) -> Profile:
    return Profile(row.business_form, row.jsic_major, row.jsic_middle or "", row.employees)


sharing_service = SharingService()
