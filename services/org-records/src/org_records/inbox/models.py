from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class InboxInquiry(Base):
    """問い合わせ from an advisor of another organization about one of this organization's shared goals, delivered
    to the goal's 担当者 (no 担当者: the goal was not found or is no longer shared, and the organization's
    administrators answer)."""

    __tablename__ = "inbox_inquiry"
    __table_args__ = (Index("ix_inbox_inquiry_staff", "staff_id", "asked_at"),)

    inquiry_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    goal_ref: Mapped[str] = mapped_column(String(64))
    goal_id: Mapped[int | None] = mapped_column(Id)
    """The goal the ref resolved to when the question arrived (None: no shared goal of this organization)."""
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """The 担当者 it is addressed to; None: the organization's administrators."""
    asker_org_id: Mapped[str] = mapped_column(String(64))
    asker_org_name: Mapped[str] = mapped_column(String(200))
    asker_staff_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class InboxReply(Base):
    """A reply of this organization's staff; it leaves through the outbox with the same transaction."""

    __tablename__ = "inbox_reply"
    __table_args__ = (Index("ix_inbox_reply_inquiry", "inquiry_id", "replied_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    inquiry_id: Mapped[str] = mapped_column(ForeignKey("inbox_inquiry.inquiry_id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    replied_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
