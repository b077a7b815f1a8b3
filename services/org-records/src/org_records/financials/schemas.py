from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from org_records.fiscal import fiscal_year_code, fiscal_year_label, quarter_label
from org_records.schemas import StoredRecord

MAX_YEN = 10**15
"""1,000兆円: far beyond any small business, well inside int64."""

Yen = Annotated[StrictInt, Field(ge=0, le=MAX_YEN)]
"""Sales and costs: integer yen, never negative."""
Profit = Annotated[StrictInt, Field(ge=-MAX_YEN, le=MAX_YEN)]
"""Profits: integer yen, negative for a loss."""

ACTUAL_FIGURES = (
    "sales_actual",
    "gross_profit_actual",
    "operating_profit_actual",
    "ordinary_profit_actual",
    "employees",
    "labor_cost",
    "depreciation",
    "existing_customer_sales",
)
"""Figures that can only be known once the quarter has begun (targets may be set ahead)."""


class FinancialsFields(BaseModel):
    """四半期モニタリング: targets and actuals of the four P&L levels, in integer yen; null until heard."""

    model_config = ConfigDict(extra="forbid")

    sales_target: Yen | None = Field(default=None, description="売上高 目標")
    sales_actual: Yen | None = Field(default=None, description="売上高 実績")
    gross_profit_target: Profit | None = Field(default=None, description="売上総利益 目標")
    gross_profit_actual: Profit | None = Field(default=None, description="売上総利益 実績")
    operating_profit_target: Profit | None = Field(default=None, description="営業利益 目標")
    operating_profit_actual: Profit | None = Field(default=None, description="営業利益 実績")
    ordinary_profit_target: Profit | None = Field(default=None, description="経常利益 目標")
    ordinary_profit_actual: Profit | None = Field(default=None, description="経常利益 実績")
    employees: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None = Field(default=None, description="従業員数")
    labor_cost: Yen | None = Field(default=None, description="人件費")
    depreciation: Yen | None = Field(default=None, description="減価償却費")
    existing_customer_sales: Yen | None = Field(default=None, description="既存顧客売上")

    @model_validator(mode="after")
    def figures_fit_together(self) -> Self:
        for kind in ("target", "actual"):
            sales, gross_profit = getattr(self, f"sales_{kind}"), getattr(self, f"gross_profit_{kind}")
            if sales is not None and gross_profit is not None and gross_profit > sales:
                raise ValueError(f"売上総利益 (gross_profit_{kind}) cannot exceed 売上高 (sales_{kind})")
        if (
            self.existing_customer_sales is not None
            and self.sales_actual is not None
            and self.existing_customer_sales > self.sales_actual
        ):
            raise ValueError("既存顧客売上 (existing_customer_sales) cannot exceed 売上高 (sales_actual)")
        return self

    def actual_figures_given(self) -> list[str]:
        return [name for name in ACTUAL_FIGURES if getattr(self, name) is not None]


class FinancialsPut(FinancialsFields):
    """The whole quarter (PUT replaces it); `version`, when given, must be the stored one (else 409)."""

    version: StrictInt | None = None


class FinancialsOut(FinancialsFields, StoredRecord):
    """A stored quarter with its derived figures (null where they cannot be computed)."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    business_id: int
    fiscal_year: int
    quarter: int
    fiscal_year_label: str = Field(default="", description="令和8年度")
    fiscal_year_code: str = Field(default="", description="FY2026")
    quarter_label: str = Field(default="", description="令和8年度 第1四半期")
    gross_margin: float | None = Field(default=None, description="粗利率 (実績) = 売上総利益 / 売上高")
    gross_margin_target: float | None = Field(default=None, description="粗利率 (目標)")
    value_added: int | None = Field(default=None, description="付加価値額 = 営業利益 + 人件費 + 減価償却費 (実績)")
    labor_productivity: float | None = Field(default=None, description="労働生産性 = 付加価値額 / 従業員数")
    existing_customer_sales_ratio: float | None = Field(
        default=None, description="既存顧客売上構成比 = 既存顧客売上 / 売上高 (実績)"
    )

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.fiscal_year_label = fiscal_year_label(self.fiscal_year)
        self.fiscal_year_code = fiscal_year_code(self.fiscal_year)
        self.quarter_label = quarter_label(self.fiscal_year, self.quarter)
        return self


class FinancialsList(BaseModel):
    """Every quarter of one business, oldest first (no paging)."""

    items: list[FinancialsOut]
    next_cursor: str | None = None
