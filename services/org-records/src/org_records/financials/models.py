from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator, or None when either is unknown or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


class QuarterlyFinancials(Base):
    """四半期モニタリング: one business's targets and actuals for one fiscal quarter (integer yen).

    The derived figures (粗利率, 付加価値額, 労働生産性, 既存顧客売上構成比) are properties, so that every reader
    (REST, gRPC, the annual report) computes them the same way.
    """

    __tablename__ = "quarterly_financials"
    __table_args__ = (
        UniqueConstraint("business_id", "fiscal_year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(SmallInteger, index=True)
    quarter: Mapped[int] = mapped_column(SmallInteger)
    sales_target: Mapped[int | None] = mapped_column(BigInteger)
    sales_actual: Mapped[int | None] = mapped_column(BigInteger)
    gross_profit_target: Mapped[int | None] = mapped_column(BigInteger)
    gross_profit_actual: Mapped[int | None] = mapped_column(BigInteger)
    operating_profit_target: Mapped[int | None] = mapped_column(BigInteger)
    operating_profit_actual: Mapped[int | None] = mapped_column(BigInteger)
    ordinary_profit_target: Mapped[int | None] = mapped_column(BigInteger)
    ordinary_profit_actual: Mapped[int | None] = mapped_column(BigInteger)
    employees: Mapped[int | None] = mapped_column(Integer)
    labor_cost: Mapped[int | None] = mapped_column(BigInteger)
    depreciation: Mapped[int | None] = mapped_column(BigInteger)
    existing_customer_sales: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    @property
    def gross_margin(self) -> float | None:
        """粗利率 (actual) = 売上総利益 / 売上高."""
        return ratio(self.gross_profit_actual, self.sales_actual)

    @property
    def gross_margin_target(self) -> float | None:
        """粗利率 (target)."""
        return ratio(self.gross_profit_target, self.sales_target)

    @property
    def value_added(self) -> int | None:
        """付加価値額 = 営業利益 + 人件費 + 減価償却費 (中小企業庁の定義), from the actuals."""
        parts = (self.operating_profit_actual, self.labor_cost, self.depreciation)
        return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)

    @property
    def labor_productivity(self) -> float | None:
        """労働生産性 = 付加価値額 / 従業員数 (yen per person)."""
        return ratio(self.value_added, self.employees)

    @property
    def existing_customer_sales_ratio(self) -> float | None:
        """既存顧客売上構成比 = 既存顧客売上 / 売上高 (actual)."""
        return ratio(self.existing_customer_sales, self.sales_actual)
