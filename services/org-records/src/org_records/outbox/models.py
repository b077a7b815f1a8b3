from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class OutboxMessage(Base):
    """A message that commits with the change it announces and leaves once the broker has acked it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    trace_headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
