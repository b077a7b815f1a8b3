from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base


class PeriodLock(Base):
    """期間ロック: a closed fiscal quarter whose sessions and figures stay as reported until it is unlocked."""

    __tablename__ = "period_lock"
    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),)

    fiscal_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    locked_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    locked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
