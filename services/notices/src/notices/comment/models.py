from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from notices.db import Base, Id


class NoticeComment(Base):
    """コメント on a notice or post."""

    __tablename__ = "notice_comment"
    __table_args__ = (Index("ix_notice_comment_notice_id_id", "notice_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    author_org_id: Mapped[str] = mapped_column(String(64))
    author_org_name: Mapped[str] = mapped_column(String(200))
    author_staff_id: Mapped[int] = mapped_column(Id)
    author_name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(200))
