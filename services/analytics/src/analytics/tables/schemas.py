from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from banso_core.vocabulary import EmployeeBand, GoalCategory, OrgKind

CODE = r"^[A-Za-z0-9_+\-]{1,64}$"


class TableFilters(BaseModel):
    """Which rows of a table (a filter on one of its dimensions), or which businesses it counts (any other filter).

    Every filter narrows the published table; suppression is always applied to the table as published.
    """

    fiscal_year: int | None = Field(default=None, ge=2000, le=2199, description="年度 (2025 = 令和7年度)")
    fiscal_quarter: int | None = Field(default=None, ge=1, le=4, description="四半期 1–4 (April–June = 1)")
    org: str | None = Field(default=None, pattern=CODE, description="団体 id, or `total` for the prefecture rows")
    org_kind: OrgKind | None = Field(default=None, description="団体の種類")
    jsic_major: str | None = Field(default=None, pattern=r"^[A-T]$", description="業種大分類 A–T")
    employee_band: EmployeeBand | None = Field(default=None, description="従業員帯")
    category: GoalCategory | None = Field(default=None, description="目標カテゴリ")
    theme: str | None = Field(default=None, pattern=CODE, description="計画テーマ code")


class TableParams(TableFilters):
    format: Literal["json", "csv", "xlsx"] = "json"


class ColumnOut(BaseModel):
    name: str
    heading: str
    kind: str = "dimension"


class TableSummary(BaseModel):
    name: str
    title: str
    description: str
    dimensions: list[ColumnOut]
    measures: list[ColumnOut]


class TableList(BaseModel):
    items: list[TableSummary]
    min_businesses: int


class TableOut(TableSummary):
    """A published table: every row rests on at least `min_businesses` distinct businesses, or says
    `suppressed: true` with its `businesses` and measures null."""

    min_businesses: int
    filters: dict[str, Any]
    rows: list[dict[str, Any]]
