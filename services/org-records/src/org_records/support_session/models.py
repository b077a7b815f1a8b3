from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.goal.models import Goal
from org_records.staff.models import Id

session_goal = Table(
    "support_session_goal",
    Base.metadata,
    Column("session_id", ForeignKey("support_session.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True),
)


class SupportSession(Base):
    """支援記録: one contact with a business, with the advisor's approach and the owner's attitude."""

    __tablename__ = "support_session"
    __table_args__ = (Index("ix_support_session_updated_at_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int | None] = mapped_column(Integer)
    approach: Mapped[str] = mapped_column(String(20))
    attitude: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    next_action: Mapped[str | None] = mapped_column(String(500))
    expert_name: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    goals: Mapped[list[Goal]] = relationship(secondary=session_goal, lazy="raise")
