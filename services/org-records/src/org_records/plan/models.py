from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class Plan(Base):
    """経営発達支援計画: the organization's multi-year plan with its themes, KPIs and KGIs."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)
    themes: Mapped[list[PlanTheme]] = relationship(
        cascade="all, delete-orphan", order_by="PlanTheme.position", lazy="raise"
    )
    kpis: Mapped[list[PlanKpi]] = relationship(cascade="all, delete-orphan", order_by="PlanKpi.position", lazy="raise")
    kgis: Mapped[list[PlanKgi]] = relationship(cascade="all, delete-orphan", order_by="PlanKgi.position", lazy="raise")


class PlanTheme(Base):
    """計画のテーマ: goals name it in `goal.plan_theme` to count toward it."""

    __tablename__ = "plan_theme"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))


class PlanKpi(Base):
    """KPI: a measure over the records of a fiscal year with a target per fiscal year."""

    __tablename__ = "plan_kpi"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    measure: Mapped[str] = mapped_column(String(40))
    verified_only: Mapped[bool] = mapped_column(Boolean, default=False)
    targets: Mapped[list[PlanKpiTarget]] = relationship(
        cascade="all, delete-orphan", order_by="PlanKpiTarget.fiscal_year", lazy="raise"
    )


class PlanKpiTarget(Base):
    """目標値: a KPI's target for one fiscal year (年度)."""

    __tablename__ = "plan_kpi_target"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("plan_kpi.id", ondelete="CASCADE"), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    target: Mapped[int] = mapped_column(Integer)


class PlanKgi(Base):
    """KGI: the share of businesses supported on a theme that meet a condition, against a threshold."""

    __tablename__ = "plan_kgi"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(String(60))
    threshold_percent: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
