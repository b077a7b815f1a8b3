from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from org_records.fiscal import FiscalQuarter, fiscal_year_code


class PeriodLockOut(BaseModel):
    """期間ロック: a locked fiscal quarter and the days it covers."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    fiscal_year: int
    quarter: int
    locked_at: dt.datetime
    locked_by_staff_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    fiscal_year_code: str = Field(default="", description="FY2026")
    label: str = Field(default="", description="令和8年度 第1四半期")

    @model_validator(mode="after")
    def fill_period(self) -> Self:
        period = FiscalQuarter(self.fiscal_year, self.quarter)
        self.starts_on, self.ends_on = period.starts_on, period.ends_on
        self.fiscal_year_code = fiscal_year_code(self.fiscal_year)
        self.label = period.label
        return self


class PeriodLockList(BaseModel):
    items: list[PeriodLockOut]
    next_cursor: str | None = None
