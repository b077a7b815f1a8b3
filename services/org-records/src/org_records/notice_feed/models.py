from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class NoticeFeedItem(Base):
    """お知らせ addressed to this organization by the notices service: enough for a badge and a daily digest.
    The body stays at the hub, where staff open it."""

    __tablename__ = "notice_feed_item"
    __table_args__ = (Index("ix_notice_feed_item_publish_at", "withdrawn", "publish_at"),)

    notice_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    """Deleted at the hub, or this organization is no longer in its audience."""
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    publish_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The roles it is for; empty: every role."""
    author_org_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class NoticeFeedComment(Base):
    """A comment on a notice of the feed (who and when; the text stays at the hub)."""

    __tablename__ = "notice_feed_comment"

    comment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    notice_id: Mapped[int] = mapped_column(BigInteger, index=True)
    version: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    author_org_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class NoticeFeedReminder(Base):
    """督促: the notice's author asked this organization to remind those of its staff who have not read it."""

    __tablename__ = "notice_feed_reminder"
    __table_args__ = (UniqueConstraint("notice_id", "reminded_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(BigInteger, index=True)
    reminded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    reminded_by: Mapped[str] = mapped_column(String(200))
    read_staff_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    """Staff of this organization who had read the notice when the reminder was sent."""


class NoticeFeedAlert(Base):
    """類似目標のお知らせ for one 担当者 of this organization (named by their opaque handle): a goal they look after
    has a highly similar goal at another organization. Both texts are the scrubbed summaries of the exchange."""

    __tablename__ = "notice_feed_alert"
    __table_args__ = (Index("ix_notice_feed_alert_staff_handle", "staff_handle", "found_at"),)

    alert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_handle: Mapped[str] = mapped_column(String(64))
    goal_ref: Mapped[str] = mapped_column(String(64))
    goal_text: Mapped[str] = mapped_column(String(400))
    other_org_id: Mapped[str] = mapped_column(String(64))
    other_org_name: Mapped[str] = mapped_column(String(200))
    other_goal_ref: Mapped[str] = mapped_column(String(64))
    other_goal_text: Mapped[str] = mapped_column(String(400))
    other_staff_name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    shared_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    similarity: Mapped[float] = mapped_column(Float)
    found_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
