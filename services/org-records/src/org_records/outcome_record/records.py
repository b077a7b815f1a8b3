"""成果レコード: what one business did with the organization's support in one fiscal quarter, as analytics may see it.

`OutcomeRecord` is the allow-list of sharing-policy.md §5 and has no slot for anything else; `records_of` is the
only code that fills it. Financial figures leave only as changes against the same quarter of the previous fiscal
year, computed exactly (fractions) from the yen figures and rounded to one decimal, so that a record is the same
whatever unit the figures were kept in: no yen amount can be read back from it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from banso_core.vocabulary import EmployeeBand, GoalStatus, PolicySupportResult
from org_records.business.models import Business
from org_records.financials.models import QuarterlyFinancials
from org_records.fiscal import JST, fiscal_year_of, quarter_of, quarter_range
from org_records.goal.models import Goal
from org_records.org import OrgIdentity
from org_records.outcome.models import OutcomeEvent
from org_records.policy_support.models import PolicySupport
from org_records.sharing.anonymity import Generaliser, Profile
from org_records.support_session.models import SupportSession

Quarter = tuple[int, int]
"""(fiscal year, quarter 1–4)."""
Counts = Mapping[str, int]
DescribeBusiness = Callable[[Business], tuple[str, str]]
"""A business's (業種大分類, 従業員帯) as they may leave the organization."""


class RecordOp(StrEnum):
    upsert = "upsert"
    delete = "delete"


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """成果レコード: the allow-list of sharing-policy.md §5, and nothing more (fields documented in the .proto)."""

    business_ref: str
    op: RecordOp
    version: int
    updated_at: dt.datetime
    org_id: str
    fiscal_year: int
    fiscal_quarter: int
    jsic_major: str = ""
    employee_band: str = ""
    support_stage: str = ""
    plan_themes: tuple[str, ...] = ()
    sessions_by_approach: Counts = field(default_factory=dict)
    sessions_by_attitude: Counts = field(default_factory=dict)
    goals_set_by_category: Counts = field(default_factory=dict)
    goals_achieved_by_category: Counts = field(default_factory=dict)
    goals_dropped_by_category: Counts = field(default_factory=dict)
    sales_yoy_percent: float | None = None
    gross_margin_change_points: float | None = None
    operating_profit_yoy_percent: float | None = None
    labor_productivity_yoy_percent: float | None = None
    existing_customer_share_change_points: float | None = None
    policy_supports_applied_by_kind: Counts = field(default_factory=dict)
    policy_supports_adopted_by_kind: Counts = field(default_factory=dict)
    outcome_events_by_kind: Counts = field(default_factory=dict)
    sessions_by_approach_attitude: Counts = field(default_factory=dict)

    @property
    def quarter(self) -> Quarter:
        return self.fiscal_year, self.fiscal_quarter


RELATIVE_FIGURES = (
    "sales_yoy_percent",
    "gross_margin_change_points",
    "operating_profit_yoy_percent",
    "labor_productivity_yoy_percent",
    "existing_customer_share_change_points",
)
COUNTS = (
    "sessions_by_approach",
    "sessions_by_attitude",
    "goals_set_by_category",
    "goals_achieved_by_category",
    "goals_dropped_by_category",
    "policy_supports_applied_by_kind",
    "policy_supports_adopted_by_kind",
    "outcome_events_by_kind",
    "sessions_by_approach_attitude",
)
"""What happened in the quarter: a record with none of these and no relative figure is not published."""


@dataclass(frozen=True, slots=True)
class Tally:
    """How one count of an outcome record is taken from a business's records: rows of `source` counted (or their
    `weight` summed) by the fiscal quarter of `day` and by `code`, where `only` holds."""

    source: str
    day: str
    code: str
    only: tuple[str, str] | None = None
    weight: str | None = None
    code_with: str | None = None
    """A second code column: the code is "code/code_with" (a cross-tabulation)."""

    def code_of(self, row: Any) -> str:
        code = getattr(row, self.code)
        return code if self.code_with is None else f"{code}/{getattr(row, self.code_with)}"


TALLIES = {
    "sessions_by_approach": Tally("sessions", "held_on", "approach"),
    "sessions_by_attitude": Tally("sessions", "held_on", "attitude"),
    "goals_set_by_category": Tally("goals", "set_on", "category"),
    "goals_achieved_by_category": Tally("goals", "achieved_on", "category", only=("status", GoalStatus.achieved)),
    "policy_supports_applied_by_kind": Tally("policy_supports", "applied_on", "kind"),
    "policy_supports_adopted_by_kind": Tally(
        "policy_supports", "decided_on", "kind", only=("result", PolicySupportResult.adopted)
    ),
    "outcome_events_by_kind": Tally("outcomes", "occurred_on", "kind", weight="count"),
    "sessions_by_approach_attitude": Tally("sessions", "held_on", "approach", code_with="attitude"),
}
"""Every count but goals_dropped_by_category (whose quarter is a timestamp's): the repository takes them in SQL."""

Tallied = dict[Quarter, Counter[str]]


@dataclass
class BusinessActivity:
    """One business and what its outcome records are made of: its counts by quarter and code (`TALLIES`), its
    dropped goals and the plan themes of its goals (few rows), its quarterly figures."""

    business: Business
    tallies: dict[str, Tallied] = field(default_factory=dict)
    dropped_goals: list[tuple[str, dt.date]] = field(default_factory=list)
    """(目標カテゴリ, the day it counts as dropped) of each dropped goal."""
    themed_goals: list[tuple[dt.date, str]] = field(default_factory=list)
    """(設定日, plan_theme) of each goal that names a plan theme."""
    figures: list[QuarterlyFinancials] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        business: Business,
        *,
        sessions: Iterable[SupportSession] = (),
        goals: Iterable[Goal] = (),
        figures: Iterable[QuarterlyFinancials] = (),
        policy_supports: Iterable[PolicySupport] = (),
        outcomes: Iterable[OutcomeEvent] = (),
    ) -> BusinessActivity:
        """Tallied from the records themselves, as the repository tallies them in SQL."""
        goals = list(goals)
        sources: dict[str, list[Any]] = {
            "sessions": list(sessions),
            "goals": goals,
            "policy_supports": list(policy_supports),
            "outcomes": list(outcomes),
        }
        tallies: dict[str, Tallied] = {}
        for name, tally in TALLIES.items():
            tallied: Tallied = defaultdict(Counter)
            for row in sources[tally.source]:
                day = getattr(row, tally.day)
                if day is None or (tally.only is not None and getattr(row, tally.only[0]) != tally.only[1]):
                    continue
                tallied[quarter_containing(day)][tally.code_of(row)] += (
                    getattr(row, tally.weight) if tally.weight else 1
                )
            tallies[name] = dict(tallied)
        return cls(
            business,
            tallies,
            dropped_goals=[(goal.category, dropped_on(goal)) for goal in goals if goal.status == GoalStatus.dropped],
            themed_goals=[(goal.set_on, goal.plan_theme) for goal in goals if goal.plan_theme is not None],
            figures=list(figures),
        )

    def quarters(self) -> set[Quarter]:
        """Every quarter in which something was recorded, and the quarter after each year of figures (YoY)."""
        quarters = {quarter for tallied in self.tallies.values() for quarter in tallied}
        quarters |= {quarter_containing(day) for _, day in self.dropped_goals}
        for row in self.figures:
            quarters |= {(row.fiscal_year, row.quarter), (row.fiscal_year + 1, row.quarter)}
        return quarters


def quarter_containing(day: dt.date) -> Quarter:
    return fiscal_year_of(day), quarter_of(day)


def quarters_touched_by_figures(fiscal_year: int, quarter: int) -> tuple[Quarter, Quarter]:
    """The figures of a quarter appear in its own record and, as last year's, in the record a year later."""
    return (fiscal_year, quarter), (fiscal_year + 1, quarter)


def dropped_on(goal: Goal) -> dt.date:
    """Goals have no 中止日: a dropped goal counts as dropped on the day (in Japan) of its last change."""
    return goal.updated_at.astimezone(JST).date()


def business_ref(org: OrgIdentity, business: Business) -> str:
    """The business's pseudonym: stable within the organization, unlinkable across (sharing-policy.md §5)."""
    return org.opaque_ref("business", business.id, business.created_at)


def quarter_token(quarter: Quarter) -> str:
    """2026Q1: the fiscal quarter as the subject and the preview name it."""
    return f"{quarter[0]}Q{quarter[1]}"


def plain_descriptors(business: Business) -> tuple[str, str]:
    """業種大分類 and the plain 従業員帯 of sharing-policy.md §1 (the band, never the count), without k-anonymity:
    for tests of the builder alone."""
    band = EmployeeBand.of(business.employees).value if business.employees is not None else ""
    return business.jsic_major, band


def k_anonymous_descriptors(generalisers: Mapping[str, Generaliser]) -> DescribeBusiness:
    """業種大分類 and 従業員帯 as the business's goal summaries show them: generalised against the register until k
    businesses share the description (sharing-policy.md §3). A business that cannot be made k-anonymous keeps its
    業種大分類 alone, with no band. `generalisers`: one per 業種大分類 of the businesses described."""

    def describe(business: Business) -> tuple[str, str]:
        profile = Profile(business.business_form, business.jsic_major, business.jsic_middle or "", business.employees)
        descriptors = generalisers[business.jsic_major].descriptors(profile)
        return business.jsic_major, descriptors.employee_band if descriptors is not None else ""

    return describe


def records_of(
    activity: BusinessActivity,
    quarters: Iterable[Quarter],
    org: OrgIdentity,
    theme_codes: Mapping[str, str],
    describe: DescribeBusiness,
) -> dict[Quarter, OutcomeRecord]:
    """The records of `quarters` for a business that consented; a quarter in which nothing happened has none.

    `theme_codes` maps each plan theme's code and title to its code: only those codes ever leave. Version and
    time are left at zero: the publisher sets them.
    """
    business = activity.business
    if not business.sharing_consent:
        return {}
    jsic_major, employee_band = describe(business)
    figures = {(row.fiscal_year, row.quarter): row for row in activity.figures}
    records: dict[Quarter, OutcomeRecord] = {}
    for quarter in sorted(set(quarters)):
        first_day, last_day = quarter_range(*quarter)
        now, before = figures.get(quarter), figures.get((quarter[0] - 1, quarter[1]))
        counts = {name: _sorted(activity.tallies.get(name, {}).get(quarter, Counter())) for name in TALLIES}
        record = OutcomeRecord(
            business_ref=business_ref(org, business),
            op=RecordOp.upsert,
            version=0,
            updated_at=dt.datetime.fromtimestamp(0, dt.UTC),
            org_id=org.org_id,
            fiscal_year=quarter[0],
            fiscal_quarter=quarter[1],
            jsic_major=jsic_major,
            employee_band=employee_band,
            support_stage=business.support_stage,
            plan_themes=tuple(
                sorted(
                    {
                        theme_codes[theme]
                        for set_on, theme in activity.themed_goals
                        if theme in theme_codes and set_on <= last_day
                    }
                )
            ),
            goals_dropped_by_category=_sorted(
                Counter(category for category, day in activity.dropped_goals if first_day <= day <= last_day)
            ),
            sales_yoy_percent=_percent_change(now, before, _sales),
            gross_margin_change_points=_points_change(now, before, _gross_margin),
            operating_profit_yoy_percent=_percent_change(now, before, _operating_profit),
            labor_productivity_yoy_percent=_percent_change(now, before, _labor_productivity),
            existing_customer_share_change_points=_points_change(now, before, _existing_customer_share),
            **counts,
        )
        if any(getattr(record, name) for name in COUNTS) or any(
            getattr(record, name) is not None for name in RELATIVE_FIGURES
        ):
            records[quarter] = record
    return records


def _sorted(counts: Counter[str]) -> dict[str, int]:
    return {code: total for code, total in sorted(counts.items()) if total}


Figure = Callable[[QuarterlyFinancials], Fraction | None]


def _ratio(numerator: int | None, denominator: int | None) -> Fraction | None:
    if numerator is None or not denominator:
        return None
    return Fraction(numerator, denominator)


def _sales(row: QuarterlyFinancials) -> Fraction | None:
    return None if row.sales_actual is None else Fraction(row.sales_actual)


def _operating_profit(row: QuarterlyFinancials) -> Fraction | None:
    return None if row.operating_profit_actual is None else Fraction(row.operating_profit_actual)


def _gross_margin(row: QuarterlyFinancials) -> Fraction | None:
    """粗利率 = 売上総利益 / 売上高."""
    return _ratio(row.gross_profit_actual, row.sales_actual)


def _labor_productivity(row: QuarterlyFinancials) -> Fraction | None:
    """労働生産性 = 付加価値額 / 従業員数."""
    return _ratio(row.value_added, row.employees)


def _existing_customer_share(row: QuarterlyFinancials) -> Fraction | None:
    """既存顧客売上構成比 = 既存顧客売上 / 売上高."""
    return _ratio(row.existing_customer_sales, row.sales_actual)


def _percent_change(
    now: QuarterlyFinancials | None, before: QuarterlyFinancials | None, figure: Figure
) -> float | None:
    """(now − before) / |before| in percent; None when either is unknown or before is zero."""
    if now is None or before is None:
        return None
    current, previous = figure(now), figure(before)
    if current is None or previous is None or previous == 0:
        return None
    return _one_decimal((current - previous) / abs(previous) * 100)


def _points_change(now: QuarterlyFinancials | None, before: QuarterlyFinancials | None, figure: Figure) -> float | None:
    """now − before of a ratio, in percentage points; None when either is unknown."""
    if now is None or before is None:
        return None
    current, previous = figure(now), figure(before)
    if current is None or previous is None:
        return None
    return _one_decimal((current - previous) * 100)


def _one_decimal(value: Fraction) -> float:
    return float(round(value, 1)) + 0.0  # + 0.0 turns -0.0 into 0.0
