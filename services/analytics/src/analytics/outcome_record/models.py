from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from analytics.db import Base
from banso_core.db import UtcDateTime, utc_now

COUNT_FIELDS = (
    "sessions_by_approach",
    "sessions_by_attitude",
    "sessions_by_approach_attitude",
    "goals_set_by_category",
    "goals_achieved_by_category",
    "goals_dropped_by_category",
    "policy_supports_applied_by_kind",
    "policy_supports_adopted_by_kind",
    "outcome_events_by_kind",
)
RELATIVE_FIGURES = (
    "sales_yoy_percent",
    "gross_margin_change_points",
    "operating_profit_yoy_percent",
    "labor_productivity_yoy_percent",
    "existing_customer_share_change_points",
)


class StoredOutcomeRecord(Base):
    """成果レコード: one business's fiscal quarter as its organization published it (sharing-policy.md §5).

    `business_ref` (the pseudonym) is kept only to apply versions and count distinct businesses; no output of the
    service ever carries it. A tombstone keeps only its key and version.
    """

    __tablename__ = "outcome_record"
    __table_args__ = (Index("ix_outcome_record_period", "withdrawn", "fiscal_year", "fiscal_quarter"),)

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    business_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    jsic_major: Mapped[str] = mapped_column(String(1), default="")
    employee_band: Mapped[str] = mapped_column(String(10), default="")
    support_stage: Mapped[str] = mapped_column(String(20), default="")
    plan_themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Each count map of the record by its field name: {"goals_set_by_category": {"digital": 1}, …}."""
    sales_yoy_percent: Mapped[float | None] = mapped_column(Float)
    gross_margin_change_points: Mapped[float | None] = mapped_column(Float)
    operating_profit_yoy_percent: Mapped[float | None] = mapped_column(Float)
    labor_productivity_yoy_percent: Mapped[float | None] = mapped_column(Float)
    existing_customer_share_change_points: Mapped[float | None] = mapped_column(Float)
    ingested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class OutcomeRecordBatches(Base):
    """One row counting the committed batches of outcome records, so that a process tells with one small read
    whether the register it keeps has seen every batch (instead of summing over millions of records)."""

    __tablename__ = "outcome_record_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    committed: Mapped[int] = mapped_column(BigInteger, default=0)
