from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from notices.db import Base, Id


class Notice(Base):
    """お知らせ: an official notice of the prefecture (県からのお知らせ) or a post by a member of staff."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_listing", "deleted_at", "pinned", "publish_at", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    """Markdown, as written."""
    body_html: Mapped[str] = mapped_column(Text)
    """The body rendered and sanitised once, when written."""
    search_terms: Mapped[str] = mapped_column(Text, default="")
    """What title and body are found by (banso_core.japanese.index_text: normalised words, synonym groups,
    bigrams), computed when written."""
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    """{"org_kinds": […], "org_ids": […], "roles": […]} as written; `NoticeTarget` rows index it."""
    publish_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    author_org_id: Mapped[str] = mapped_column(String(64))
    author_org_name: Mapped[str] = mapped_column(String(200))
    author_staff_id: Mapped[int] = mapped_column(Id)
    """The staff id in the author's own organization (not a key here: staff live in org-records)."""
    author_name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    """Kept, not removed: its comments, reads and audit entries still name it."""
    deleted_by: Mapped[str | None] = mapped_column(String(200))


class NoticeTarget(Base):
    """One value of a notice's audience, so that "what targets this member of staff" is a query."""

    __tablename__ = "notice_target"
    __table_args__ = (Index("ix_notice_target_dimension_value", "dimension", "value"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    """org_kind, org_id or role."""
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
