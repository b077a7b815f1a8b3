"""年度 and 四半期: the Japanese fiscal year (April–March) and its quarters, and how people name them.

FY2026 = 令和8年度 = 2026-04-01..2027-03-31; Q1 = April–June … Q4 = January–March of the next calendar year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

JST = dt.timezone(dt.timedelta(hours=9), "JST")

FIRST_FISCAL_YEAR = 2000
LAST_FISCAL_YEAR = 2100
_REIWA_START = 2019
_HEISEI_START = 1989


def today_in_japan() -> dt.date:
    return dt.datetime.now(JST).date()


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (年度) a day falls in, named by the calendar year in which it starts."""
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: dt.date) -> int:
    """The fiscal quarter (四半期, 1–4) a day falls in."""
    return (day.month - 4) % 12 // 3 + 1


def fiscal_year_range(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year, both inclusive."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def quarter_range(fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal quarter, both inclusive."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter}")
    first_month = quarter * 3 % 12 + 1
    year = fiscal_year if quarter < 4 else fiscal_year + 1
    last_month = first_month + 2
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def japanese_era_year(fiscal_year: int) -> str:
    """The era year of a fiscal year: 令和8 for 2026, 令和元 for 2019, 平成30 for 2018."""
    if fiscal_year >= _REIWA_START:
        era, number = "令和", fiscal_year - _REIWA_START + 1
    elif fiscal_year >= _HEISEI_START:
        era, number = "平成", fiscal_year - _HEISEI_START + 1
    else:
        raise ValueError(f"fiscal year {fiscal_year} is before 平成")
    return f"{era}{'元' if number == 1 else number}"


def fiscal_year_label(fiscal_year: int) -> str:
    """令和8年度."""
    return f"{japanese_era_year(fiscal_year)}年度"


def fiscal_year_code(fiscal_year: int) -> str:
    """FY2026."""
    return f"FY{fiscal_year}"


def quarter_label(fiscal_year: int, quarter: int) -> str:
    """令和8年度 第1四半期."""
    return f"{fiscal_year_label(fiscal_year)} 第{quarter}四半期"


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """One fiscal quarter (年度・四半期)."""

    fiscal_year: int
    quarter: int

    def __post_init__(self) -> None:
        if not FIRST_FISCAL_YEAR <= self.fiscal_year <= LAST_FISCAL_YEAR:
            raise ValueError(f"fiscal year must be {FIRST_FISCAL_YEAR}–{LAST_FISCAL_YEAR}, not {self.fiscal_year}")
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1–4, not {self.quarter}")

    @classmethod
    def of(cls, day: dt.date) -> FiscalQuarter:
        return cls(fiscal_year_of(day), quarter_of(day))

    @property
    def starts_on(self) -> dt.date:
        return quarter_range(self.fiscal_year, self.quarter)[0]

    @property
    def ends_on(self) -> dt.date:
        return quarter_range(self.fiscal_year, self.quarter)[1]

    @property
    def label(self) -> str:
        return quarter_label(self.fiscal_year, self.quarter)

    def has_started(self, today: dt.date | None = None) -> bool:
        return self.starts_on <= (today or today_in_japan())
