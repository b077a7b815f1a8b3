from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from exchange.db import Base


class Inquiry(Base):
    """問い合わせ: a thread between an advisor of one organization and the 担当者 of another's shared goal.

    Holds who asked (organization, display name) and which goal (its opaque ref): there is nowhere to put a
    business's identity."""

    __tablename__ = "inquiry"
    __table_args__ = (
        Index("ix_inquiry_asker", "asker_org_id", "updated_at"),
        Index("ix_inquiry_owner", "owner_org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    asker_org_id: Mapped[str] = mapped_column(String(64))
    asker_org_name: Mapped[str] = mapped_column(String(200))
    asker_staff_name: Mapped[str] = mapped_column(String(100))
    owner_org_id: Mapped[str] = mapped_column(String(64))
    owner_org_name: Mapped[str] = mapped_column(String(200))
    goal_ref: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class InquiryMessage(Base):
    """One message of a thread: the question (which is also its own outbox row until `published_at`), or a reply
    of the owning organization (keyed by its reply id, so a redelivered reply is stored once)."""

    __tablename__ = "inquiry_message"
    __table_args__ = (
        Index("ix_inquiry_message_thread", "inquiry_id", "written_at"),
        Index("ix_inquiry_message_unpublished", "kind", "published_at"),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    inquiry_id: Mapped[str] = mapped_column(ForeignKey("inquiry.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    """question or reply."""
    author_org_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    """A question: when JetStream acknowledged it (None: still to be sent). A reply: None."""
