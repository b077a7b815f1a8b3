from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class Business(Base):
    """事業者: identified; never leaves the organization except as the fields of a goal summary."""

    __tablename__ = "business"
    __table_args__ = (Index("ix_business_updated_at_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    external_code: Mapped[str | None] = mapped_column(String(50), unique=True)
    """事業者コード: the organization's own key for the business, so imports update instead of duplicating."""
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    representative: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(30))
    fax: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    corporate_number: Mapped[str | None] = mapped_column(String(13))
    business_form: Mapped[str] = mapped_column(String(20))
    jsic_major: Mapped[str] = mapped_column(String(1))
    jsic_middle: Mapped[str | None] = mapped_column(String(2))
    employees: Mapped[int | None] = mapped_column(Integer)
    employees_as_of: Mapped[dt.date | None] = mapped_column(Date)
    capital_yen: Mapped[int | None] = mapped_column(BigInteger)
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    membership: Mapped[str | None] = mapped_column(String(20))
    disaster_affected: Mapped[bool] = mapped_column(Boolean, default=False)
    support_stage: Mapped[str] = mapped_column(String(20), default="active")
    sharing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
