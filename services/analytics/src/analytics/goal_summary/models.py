from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from analytics.db import Base
from banso_core.db import UtcDateTime, utc_now


class GoalFact(Base):
    """A shared goal as analytics keeps it: its codes and dates only (no text, no 担当者). A tombstone keeps its key
    and version."""

    __tablename__ = "goal_fact"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    goal_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    jsic_major: Mapped[str] = mapped_column(String(1), default="")
    employee_band: Mapped[str] = mapped_column(String(10), default="")
    category: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="")
    set_on: Mapped[dt.date | None] = mapped_column(Date)
    achieved_on: Mapped[dt.date | None] = mapped_column(Date)
    ingested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
