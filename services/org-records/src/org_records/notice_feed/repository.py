from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.notice_feed.models import NoticeFeedAlert, NoticeFeedComment, NoticeFeedItem, NoticeFeedReminder


class NoticeFeedRepository:
    async def notice(self, session: AsyncSession, notice_id: int) -> NoticeFeedItem | None:
        return await session.get(NoticeFeedItem, notice_id)

    async def comment(self, session: AsyncSession, comment_id: int) -> NoticeFeedComment | None:
        return await session.get(NoticeFeedComment, comment_id)

    async def alert(self, session: AsyncSession, alert_id: str) -> NoticeFeedAlert | None:
        return await session.get(NoticeFeedAlert, alert_id)

    async def alerts_of(self, session: AsyncSession, staff_handle: str, limit: int = 50) -> Sequence[NoticeFeedAlert]:
        """A 担当者's similar-goal alerts, newest first."""
        query = (
            select(NoticeFeedAlert)
            .where(NoticeFeedAlert.staff_handle == staff_handle)
            .order_by(NoticeFeedAlert.found_at.desc())
            .limit(limit)
        )
        return (await session.scalars(query)).all()

    async def add(
        self, session: AsyncSession, row: NoticeFeedItem | NoticeFeedComment | NoticeFeedReminder | NoticeFeedAlert
    ) -> None:
        session.add(row)
        await session.flush()

    async def has_reminder(self, session: AsyncSession, notice_id: int, reminded_at: dt.datetime) -> bool:
        query = select(NoticeFeedReminder.id).where(
            NoticeFeedReminder.notice_id == notice_id, NoticeFeedReminder.reminded_at == reminded_at
        )
        return (await session.scalar(query)) is not None

    async def published(self, session: AsyncSession, now: dt.datetime) -> Sequence[NoticeFeedItem]:
        """Notices shown now (between publish_at and expires_at), pinned first, then newest first."""
        query = select(NoticeFeedItem).where(
            NoticeFeedItem.withdrawn.is_(False),
            NoticeFeedItem.publish_at <= now,
            or_(NoticeFeedItem.expires_at.is_(None), NoticeFeedItem.expires_at > now),
        )
        ordered = query.order_by(NoticeFeedItem.pinned.desc(), NoticeFeedItem.publish_at.desc())
        return (await session.scalars(ordered)).all()

    async def comment_counts(
        self, session: AsyncSession, notice_ids: Collection[int]
    ) -> dict[int, tuple[int, dt.datetime]]:
        """Comments per notice that are not withdrawn: how many, and the newest's time."""
        query = (
            select(NoticeFeedComment.notice_id, func.count(), func.max(NoticeFeedComment.created_at))
            .where(NoticeFeedComment.notice_id.in_(notice_ids), NoticeFeedComment.withdrawn.is_(False))
            .group_by(NoticeFeedComment.notice_id)
        )
        return {row[0]: (int(row[1]), row[2]) for row in (await session.execute(query)).all()}

    async def comments_between(
        self, session: AsyncSession, notice_ids: Collection[int], start: dt.datetime, end: dt.datetime
    ) -> int:
        query = select(func.count()).where(
            NoticeFeedComment.notice_id.in_(notice_ids),
            NoticeFeedComment.withdrawn.is_(False),
            NoticeFeedComment.created_at >= start,
            NoticeFeedComment.created_at < end,
        )
        return int(await session.scalar(query) or 0)

    async def latest_reminders(
        self, session: AsyncSession, notice_ids: Collection[int]
    ) -> dict[int, NoticeFeedReminder]:
        query = (
            select(NoticeFeedReminder)
            .where(NoticeFeedReminder.notice_id.in_(notice_ids))
            .order_by(NoticeFeedReminder.reminded_at)
        )
        return {reminder.notice_id: reminder for reminder in (await session.scalars(query)).all()}
