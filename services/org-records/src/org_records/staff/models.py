from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base

Id = BigInteger().with_variant(Integer, "sqlite")


class Staff(Base):
    """担当者: a member of the organization's staff."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="advisor")
    login: Mapped[str | None] = mapped_column(String(64), unique=True)
    """ログインID; staff without one cannot sign in."""
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
