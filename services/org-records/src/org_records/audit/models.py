from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class AuditEntry(Base):
    """監査ログ: one read or change of the organization's records, by whom and when."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_business_id_at", "business_id", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    staff_id: Mapped[int] = mapped_column(Id, index=True)
    """Not a foreign key: the log outlives the staff it names."""
    staff_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(300))
    """What was touched: the REST method and path with its query, or the gRPC method."""
    business_id: Mapped[int | None] = mapped_column(Id)
