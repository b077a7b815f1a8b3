from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime
from exchange.db import Base


class SimilarGoalPair(Base):
    """Two goals of two organizations found highly similar, once: the record that their 担当者 were alerted."""

    __tablename__ = "similar_goal_pair"
    __table_args__ = (
        Index("ix_similar_goal_pair_first_handle", "first_staff_handle", "found_at"),
        Index("ix_similar_goal_pair_second_handle", "second_staff_handle", "found_at"),
    )

    alert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_org_id: Mapped[str] = mapped_column(String(64))
    first_goal_ref: Mapped[str] = mapped_column(String(64))
    first_staff_handle: Mapped[str] = mapped_column(String(64))
    second_org_id: Mapped[str] = mapped_column(String(64))
    second_goal_ref: Mapped[str] = mapped_column(String(64))
    second_staff_handle: Mapped[str] = mapped_column(String(64))
    similarity: Mapped[float] = mapped_column(Float)
    found_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    alerted: Mapped[str] = mapped_column(String(10))
    """both, first, second or none: who was alerted (a 担当者 over the day's limit is not)."""
