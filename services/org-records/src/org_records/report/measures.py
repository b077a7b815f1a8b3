"""KPI measures and KGI conditions: functions over the records of one fiscal year (年度, April–March).

Year-on-year comparisons use only the quarters that have the figure in both years, so that a quarter not yet
heard this year does not read as a fall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from banso_core.vocabulary import (
    KgiCondition,
    KpiMeasure,
    OutcomeKind,
    PolicySupportKind,
    PolicySupportResult,
    SessionChannel,
)
from org_records.financials.models import QuarterlyFinancials
from org_records.outcome.models import OutcomeEvent
from org_records.policy_support.models import PolicySupport
from org_records.support_session.models import SupportSession

Quarters = dict[int, QuarterlyFinancials]
PopulationBasis = Literal["theme", "all_supported"]
"""One business's quarters of one fiscal year, by quarter number."""


@dataclass
class FiscalYearRecords:
    """Everything the report counts for one fiscal year, plus the previous year's figures to compare with."""

    fiscal_year: int
    sessions: list[SupportSession]
    outcomes: list[OutcomeEvent]
    policy_supports: list[PolicySupport]
    figures: dict[int, Quarters]
    previous_figures: dict[int, Quarters]
    goal_themes: dict[int, set[str]] = field(default_factory=dict)
    """The `plan_theme` values of each business's goals."""

    @property
    def supported_businesses(self) -> set[int]:
        """Businesses with at least one support session held in the fiscal year."""
        return {record.business_id for record in self.sessions}

    def outcomes_of(self, kinds: Iterable[OutcomeKind], *, verified_only: bool = False) -> list[OutcomeEvent]:
        wanted = set(kinds)
        return [
            outcome for outcome in self.outcomes if outcome.kind in wanted and (outcome.verified or not verified_only)
        ]


def comparable_totals(
    current: Quarters, previous: Quarters, *figures: Callable[[QuarterlyFinancials], int | None]
) -> list[tuple[int, int]] | None:
    """(this year's total, last year's total) of each figure over the quarters where every figure is known in
    both years; None when no quarter is comparable."""
    quarters = [
        quarter
        for quarter in sorted(current.keys() & previous.keys())
        if all(figure(current[quarter]) is not None and figure(previous[quarter]) is not None for figure in figures)
    ]
    if not quarters:
        return None
    return [
        (sum(figure(current[q]) or 0 for q in quarters), sum(figure(previous[q]) or 0 for q in quarters))
        for figure in figures
    ]


def _rose(records: FiscalYearRecords, business_id: int, figure: Callable[[QuarterlyFinancials], int | None]) -> bool:
    totals = comparable_totals(
        records.figures.get(business_id, {}), records.previous_figures.get(business_id, {}), figure
    )
    return totals is not None and totals[0][0] > totals[0][1]


def sales_rose(records: FiscalYearRecords, business_id: int) -> bool:
    return _rose(records, business_id, lambda quarter: quarter.sales_actual)


def operating_profit_rose(records: FiscalYearRecords, business_id: int) -> bool:
    return _rose(records, business_id, lambda quarter: quarter.operating_profit_actual)


def _ratio_rose(
    records: FiscalYearRecords,
    business_id: int,
    numerator: Callable[[QuarterlyFinancials], int | None],
    denominator: Callable[[QuarterlyFinancials], int | None],
) -> bool:
    totals = comparable_totals(
        records.figures.get(business_id, {}), records.previous_figures.get(business_id, {}), numerator, denominator
    )
    if totals is None:
        return False
    (numerator_now, numerator_before), (denominator_now, denominator_before) = totals
    if denominator_now <= 0 or denominator_before <= 0:
        return False
    return numerator_now * denominator_before > numerator_before * denominator_now


def gross_margin_rose(records: FiscalYearRecords, business_id: int) -> bool:
    """粗利率 = Σ売上総利益 / Σ売上高 over the comparable quarters."""
    return _ratio_rose(
        records, business_id, lambda quarter: quarter.gross_profit_actual, lambda quarter: quarter.sales_actual
    )


def labor_productivity_rose(records: FiscalYearRecords, business_id: int) -> bool:
    """労働生産性 = Σ付加価値額 / average 従業員数 over the comparable quarters (the same quarters both years,
    so comparing Σ付加価値額 / Σ従業員数 is equivalent)."""
    return _ratio_rose(records, business_id, lambda quarter: quarter.value_added, lambda quarter: quarter.employees)


def _distinct_businesses(outcomes: Iterable[OutcomeEvent]) -> int:
    return len({outcome.business_id for outcome in outcomes})


def _total_count(outcomes: Iterable[OutcomeEvent]) -> int:
    return sum(outcome.count for outcome in outcomes)


KpiFunction = Callable[[FiscalYearRecords, bool], int]


def _outcome_total(kind: OutcomeKind) -> KpiFunction:
    return lambda records, verified_only: _total_count(records.outcomes_of([kind], verified_only=verified_only))


KPI_MEASURES: dict[KpiMeasure, KpiFunction] = {
    KpiMeasure.businesses_followed_up: lambda records, _: len(records.supported_businesses),
    KpiMeasure.follow_up_sessions: lambda records, _: len(records.sessions),
    KpiMeasure.sales_or_profit_increased: lambda records, _: sum(
        1
        for business_id in records.figures
        if sales_rose(records, business_id) or operating_profit_rose(records, business_id)
    ),
    KpiMeasure.plans_formulated: lambda records, verified_only: _distinct_businesses(
        records.outcomes_of([OutcomeKind.plan_formulated], verified_only=verified_only)
    ),
    KpiMeasure.new_partners: _outcome_total(OutcomeKind.new_partner),
    KpiMeasure.deals_closed: _outcome_total(OutcomeKind.deal_closed),
    KpiMeasure.subsidies_adopted: lambda records, _: sum(
        1
        for support in records.policy_supports
        if support.kind == PolicySupportKind.subsidy and support.result == PolicySupportResult.adopted
    ),
    KpiMeasure.seminar_participants: lambda records, _: len(
        {record.business_id for record in records.sessions if record.channel == SessionChannel.seminar}
    ),
    KpiMeasure.expert_dispatches: lambda records, _: sum(
        1 for record in records.sessions if record.channel == SessionChannel.expert
    ),
    KpiMeasure.startups: _outcome_total(OutcomeKind.startup),
    KpiMeasure.hires: _outcome_total(OutcomeKind.hire),
    KpiMeasure.digital_tools: _outcome_total(OutcomeKind.digital_tool),
    KpiMeasure.talent_matched: _outcome_total(OutcomeKind.talent_matched),
}
"""Each KPI measure: plans_formulated counts distinct businesses; the other outcome measures add up `count`."""


def _had_outcome(records: FiscalYearRecords, business_id: int, *kinds: OutcomeKind) -> bool:
    return any(outcome.business_id == business_id for outcome in records.outcomes_of(kinds))


KGI_CONDITIONS: dict[KgiCondition, Callable[[FiscalYearRecords, int], bool]] = {
    KgiCondition.gross_margin_improved: gross_margin_rose,
    KgiCondition.labor_productivity_improved_or_hired: lambda records, business_id: (
        labor_productivity_rose(records, business_id) or _had_outcome(records, business_id, OutcomeKind.hire)
    ),
    KgiCondition.succession_done_or_executing: lambda records, business_id: _had_outcome(
        records, business_id, OutcomeKind.succession_done, OutcomeKind.succession_executing
    ),
    KgiCondition.sales_increased: sales_rose,
}


def kgi_population(
    records: FiscalYearRecords, theme_names: set[str], plan_theme_names: set[str]
) -> tuple[set[int], PopulationBasis]:
    """The KGI's denominator: businesses supported in the year whose goals carry the theme (by code or title);
    all supported businesses when no goal of theirs names any of the plan's themes. Returns the basis too."""
    supported = records.supported_businesses
    if not any(records.goal_themes.get(business_id, set()) & plan_theme_names for business_id in supported):
        return supported, "all_supported"
    return {
        business_id for business_id in supported if records.goal_themes.get(business_id, set()) & theme_names
    }, "theme"
