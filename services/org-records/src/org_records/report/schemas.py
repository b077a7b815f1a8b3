from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class ReportFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"


class ReportOrganization(BaseModel):
    org_id: str
    name: str
    kind: str
    kind_label: str


class ReportPlan(BaseModel):
    id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    version: int


class KpiResult(BaseModel):
    """One KPI's target and the actual counted from the records."""

    code: str
    label: str
    measure: str
    measure_label: str
    verified_only: bool
    target: int | None = Field(description="目標値 (null when the plan sets none for the year)")
    actual: int = Field(description="実績")
    attainment_percent: float | None = Field(description="達成率（%）= 実績 / 目標, one decimal")


class KgiResult(BaseModel):
    """One KGI's share: numerator / denominator businesses, against the threshold."""

    code: str
    label: str
    theme: str
    theme_title: str
    condition: str
    condition_label: str
    numerator: int = Field(description="条件を満たした事業者数")
    denominator: int = Field(description="対象事業者数")
    denominator_basis: Literal["theme", "all_supported"] = Field(
        description="theme: supported businesses with a goal on the theme; all_supported: no goal names a theme"
    )
    share_percent: float | None = Field(description="割合（%）, one decimal; null without businesses")
    threshold_percent: float
    met: bool = Field(description="達成: share ≥ threshold")


class BusinessBenchmark(BaseModel):
    """ローカルベンチマーク-style figures of one business for the fiscal year, from its quarters (integer yen)."""

    business_id: int
    business_name: str
    quarters_reported: int = Field(description="売上高の実績がある四半期の数")
    sales: int | None = Field(description="売上高")
    gross_profit: int | None = Field(description="売上総利益")
    operating_profit: int | None = Field(description="営業利益")
    gross_margin_percent: float | None = Field(description="粗利率（%）")
    value_added: int | None = Field(description="付加価値額")
    average_employees: float | None = Field(description="平均従業員数")
    labor_productivity: int | None = Field(description="労働生産性（円/人）= 付加価値額 / 平均従業員数")
    sales_change_percent: float | None = Field(description="売上高 前年度比増減率（%）, comparable quarters")
    gross_profit_change_percent: float | None = Field(description="売上総利益 前年度比増減率（%）")
    operating_profit_change_percent: float | None = Field(description="営業利益 前年度比増減率（%）")


class AnnualReport(BaseModel):
    """実績報告書: the plan's KPIs and KGIs for one fiscal year, computed from the records."""

    organization: ReportOrganization
    fiscal_year: int
    fiscal_year_label: str = Field(description="令和8年度")
    fiscal_year_code: str = Field(description="FY2026")
    period_starts_on: dt.date
    period_ends_on: dt.date
    plan: ReportPlan
    kpis: list[KpiResult]
    kgis: list[KgiResult]
    benchmarks: list[BusinessBenchmark]
    generated_at: dt.datetime
