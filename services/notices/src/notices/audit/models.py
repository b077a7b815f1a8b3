from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from banso_core.vocabulary import LabelledCode
from notices.db import Base, Id


class NoticeAuditEntry(Base):
    """監査ログ: one change to a notice or comment — who, what, when — written in the change's own transaction."""

    __tablename__ = "notice_audit_entry"
    __table_args__ = (Index("ix_notice_audit_entry_notice_id_at", "notice_id", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    org_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int] = mapped_column(Id)
    staff_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    notice_id: Mapped[int] = mapped_column(Id)
    """Not a foreign key: the log outlives what it names."""
    comment_id: Mapped[int | None] = mapped_column(Id)
    detail: Mapped[str] = mapped_column(String(300), default="")
    """What changed: the fields of an update, the title of a new notice."""


class NoticeAuditAction(LabelledCode):
    """監査ログの操作."""

    create = "create", "登録"
    update = "update", "更新"
    delete = "delete", "削除"
    moderate = "moderate", "削除（モデレーション）"
    remind = "remind", "督促"
