"""お知らせ for this organization's staff: what the notices service addressed to the organization, applied
idempotently (a lower version never overwrites a higher one; at the same version a withdrawal wins), and read
back per member of staff for a badge and a daily digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput
from banso_core.tokens import Principal
from banso_core.vocabulary import GoalCategory, NoticeCategory, NoticeKind
from org_records.notice_feed.models import NoticeFeedAlert, NoticeFeedComment, NoticeFeedItem, NoticeFeedReminder
from org_records.notice_feed.repository import NoticeFeedRepository
from org_records.notice_feed.schemas import NoticeDigest, NoticeFeed, NoticeFeedEntry, SimilarGoalAlertEntry

JAPAN = dt.timezone(dt.timedelta(hours=9), "JST")
"""Days of the digest are Japanese calendar days (Japan has no daylight saving time)."""


@dataclass(frozen=True)
class IncomingNotice:
    notice_id: int
    version: int
    withdrawn: bool
    updated_at: dt.datetime
    kind: str
    category: str | None
    title: str
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    pinned: bool
    roles: list[str]
    author_org_id: str
    author_name: str


@dataclass(frozen=True)
class IncomingComment:
    comment_id: int
    notice_id: int
    version: int
    withdrawn: bool
    author_org_id: str
    author_name: str
    created_at: dt.datetime


@dataclass(frozen=True)
class IncomingReminder:
    notice_id: int
    reminded_at: dt.datetime
    reminded_by: str
    read_staff_ids: list[int]


@dataclass(frozen=True)
class IncomingAlert:
    alert_id: str
    staff_handle: str
    goal_ref: str
    goal_text: str
    other_org_id: str
    other_org_name: str
    other_goal_ref: str
    other_goal_text: str
    other_staff_name: str
    category: str
    shared_terms: list[str]
    similarity: float
    found_at: dt.datetime


Incoming = IncomingNotice | IncomingComment | IncomingReminder | IncomingAlert


def _supersedes(version: int, withdrawn: bool, stored_version: int, stored_withdrawn: bool) -> bool:
    return version > stored_version or (version == stored_version and withdrawn and not stored_withdrawn)


def _label(vocabulary: type[NoticeKind] | type[NoticeCategory], code: str | None) -> str | None:
    if code is None:
        return None
    member = next((member for member in vocabulary if member.value == code), None)
    return member.label if member is not None else code


class NoticeFeedService:
    def __init__(self) -> None:
        self.feed = NoticeFeedRepository()

    async def ingest(self, session: AsyncSession, events: Sequence[Incoming]) -> None:
        for event in events:
            if isinstance(event, IncomingNotice):
                await self._apply_notice(session, event)
            elif isinstance(event, IncomingComment):
                await self._apply_comment(session, event)
            elif isinstance(event, IncomingAlert):
                if await self.feed.alert(session, event.alert_id) is None:
                    values = {name: getattr(event, name) for name in IncomingAlert.__dataclass_fields__}
                    await self.feed.add(session, NoticeFeedAlert(**values))
            elif not await self.feed.has_reminder(session, event.notice_id, event.reminded_at):
                await self.feed.add(
                    session,
                    NoticeFeedReminder(
                        notice_id=event.notice_id,
                        reminded_at=event.reminded_at,
                        reminded_by=event.reminded_by,
                        read_staff_ids=event.read_staff_ids,
                    ),
                )

    async def _apply_notice(self, session: AsyncSession, event: IncomingNotice) -> None:
        stored = await self.feed.notice(session, event.notice_id)
        if stored is not None and not _supersedes(event.version, event.withdrawn, stored.version, stored.withdrawn):
            return
        values = {name: getattr(event, name) for name in IncomingNotice.__dataclass_fields__}
        if stored is None:
            await self.feed.add(session, NoticeFeedItem(**values, received_at=utc_now()))
            return
        for name, value in values.items():
            setattr(stored, name, value)
        await session.flush()

    async def _apply_comment(self, session: AsyncSession, event: IncomingComment) -> None:
        stored = await self.feed.comment(session, event.comment_id)
        if stored is not None and not _supersedes(event.version, event.withdrawn, stored.version, stored.withdrawn):
            return
        values = {name: getattr(event, name) for name in IncomingComment.__dataclass_fields__}
        if stored is None:
            await self.feed.add(session, NoticeFeedComment(**values))
            return
        for name, value in values.items():
            setattr(stored, name, value)
        await session.flush()

    async def for_staff(
        self, session: AsyncSession, principal: Principal, staff_handle: str, since: dt.datetime | None
    ) -> NoticeFeed:
        """What targets the caller's role, and the similar-goal alerts addressed to the caller's handle."""
        now = utc_now()
        since = since or now - dt.timedelta(days=1)
        items = self._for_role(await self.feed.published(session, now), principal.role)
        entries = await self._entries(session, principal, items, since)
        alerts = [_alert_entry(alert, since) for alert in await self.feed.alerts_of(session, staff_handle)]
        badge = sum(1 for entry in entries if entry.new or entry.reminded) + sum(alert.new for alert in alerts)
        return NoticeFeed(items=entries, alerts=alerts, since=since, badge=badge)

    async def digest(self, session: AsyncSession, principal: Principal, day: dt.date) -> NoticeDigest:
        try:
            start = dt.datetime.combine(day, dt.time(), JAPAN)
            end = start + dt.timedelta(days=1)
        except OverflowError:
            raise InvalidInput("the day is outside the range of dates kept", field="day") from None
        shown = self._for_role(await self.feed.published(session, utc_now()), principal.role)
        of_the_day = [item for item in shown if start <= item.publish_at < end]
        comments = await self.feed.comments_between(session, [item.notice_id for item in shown], start, end)
        return NoticeDigest(
            day=day, items=await self._entries(session, principal, of_the_day, start), comments=comments
        )

    @staticmethod
    def _for_role(items: Sequence[NoticeFeedItem], role: str) -> list[NoticeFeedItem]:
        return [item for item in items if not item.roles or role in item.roles]

    async def _entries(
        self, session: AsyncSession, principal: Principal, items: Sequence[NoticeFeedItem], since: dt.datetime
    ) -> list[NoticeFeedEntry]:
        notice_ids = [item.notice_id for item in items]
        comments = await self.feed.comment_counts(session, notice_ids)
        reminders = await self.feed.latest_reminders(session, notice_ids)
        entries = []
        for item in items:
            count, last_comment_at = comments.get(item.notice_id, (0, None))
            reminder = reminders.get(item.notice_id)
            entries.append(
                NoticeFeedEntry(
                    notice_id=item.notice_id,
                    kind=item.kind,
                    kind_label=_label(NoticeKind, item.kind) or item.kind,
                    category=item.category,
                    category_label=_label(NoticeCategory, item.category),
                    title=item.title,
                    publish_at=item.publish_at,
                    expires_at=item.expires_at,
                    pinned=item.pinned,
                    author_org_id=item.author_org_id,
                    author_name=item.author_name,
                    comment_count=count,
                    last_comment_at=last_comment_at,
                    new=item.publish_at >= since,
                    reminded=reminder is not None and principal.staff not in reminder.read_staff_ids,
                )
            )
        return entries


def _alert_entry(alert: NoticeFeedAlert, since: dt.datetime) -> SimilarGoalAlertEntry:
    return SimilarGoalAlertEntry(
        alert_id=alert.alert_id,
        goal_ref=alert.goal_ref,
        goal_text=alert.goal_text,
        other_org_id=alert.other_org_id,
        other_org_name=alert.other_org_name,
        other_goal_ref=alert.other_goal_ref,
        other_goal_text=alert.other_goal_text,
        other_staff_name=alert.other_staff_name,
        category=alert.category,
        category_label=GoalCategory.labels().get(alert.category, alert.category),
        shared_terms=alert.shared_terms,
        similarity=alert.similarity,
        found_at=alert.found_at,
        other_goal_similar_path=f"/api/v1/goals/{alert.other_org_id}/{alert.other_goal_ref}/similar",
        new=alert.found_at >= since,
    )


notice_feed_service = NoticeFeedService()
