from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class PolicySupport(Base):
    """施策支援: a subsidy, loan or certification the organization helped a business apply for, and its result."""

    __tablename__ = "policy_support"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    program: Mapped[str] = mapped_column(String(100))
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    amount_requested_yen: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[str] = mapped_column(String(20), default="preparing")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    amount_granted_yen: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
