from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, NotFound
from banso_core.vocabulary import KgiCondition, KpiMeasure
from org_records.fiscal import (
    FIRST_FISCAL_YEAR,
    LAST_FISCAL_YEAR,
    fiscal_year_code,
    fiscal_year_label,
    fiscal_year_range,
)
from org_records.org import OrgIdentity
from org_records.plan.models import Plan
from org_records.plan.repository import PlanRepository
from org_records.plan.service import plan_service
from org_records.report.measures import (
    KGI_CONDITIONS,
    KPI_MEASURES,
    FiscalYearRecords,
    comparable_totals,
    kgi_population,
)
from org_records.report.repository import ReportRepository
from org_records.report.schemas import (
    AnnualReport,
    BusinessBenchmark,
    KgiResult,
    KpiResult,
    ReportOrganization,
    ReportPlan,
)


def percent(numerator: int | float, denominator: int | float) -> float | None:
    return None if not denominator else round(numerator * 100 / denominator, 1)


def change_percent(now: int, before: int) -> float | None:
    """前年度比増減率: (now − before) / |before|, so that a smaller loss reads as a rise."""
    return None if before == 0 else round((now - before) * 100 / abs(before), 1)


def benchmark(records: FiscalYearRecords, business_id: int, name: str) -> BusinessBenchmark:
    quarters = list(records.figures[business_id].values())

    def total(values: list[int | None]) -> int | None:
        known = [value for value in values if value is not None]
        return sum(known) if known else None

    with_margin = [q for q in quarters if q.sales_actual is not None and q.gross_profit_actual is not None]
    with_productivity = [q for q in quarters if q.value_added is not None and q.employees]
    average_employees = (
        sum(q.employees or 0 for q in with_productivity) / len(with_productivity) if with_productivity else None
    )
    productive_value_added = total([q.value_added for q in with_productivity])
    changes = [
        comparable_totals(records.figures[business_id], records.previous_figures.get(business_id, {}), figure)
        for figure in (
            lambda q: q.sales_actual,
            lambda q: q.gross_profit_actual,
            lambda q: q.operating_profit_actual,
        )
    ]
    sales_change, gross_profit_change, operating_profit_change = (
        None if totals is None else change_percent(*totals[0]) for totals in changes
    )
    return BusinessBenchmark(
        business_id=business_id,
        business_name=name,
        quarters_reported=sum(1 for q in quarters if q.sales_actual is not None),
        sales=total([q.sales_actual for q in quarters]),
        gross_profit=total([q.gross_profit_actual for q in quarters]),
        operating_profit=total([q.operating_profit_actual for q in quarters]),
        gross_margin_percent=percent(
            sum(q.gross_profit_actual or 0 for q in with_margin), sum(q.sales_actual or 0 for q in with_margin)
        ),
        value_added=total([q.value_added for q in quarters]),
        average_employees=average_employees,
        labor_productivity=(
            round(productive_value_added / average_employees)
            if productive_value_added is not None and average_employees
            else None
        ),
        sales_change_percent=sales_change,
        gross_profit_change_percent=gross_profit_change,
        operating_profit_change_percent=operating_profit_change,
    )


def has_actuals(records: FiscalYearRecords, business_id: int) -> bool:
    return any(
        value is not None
        for quarter in records.figures[business_id].values()
        for value in (quarter.sales_actual, quarter.gross_profit_actual, quarter.operating_profit_actual)
    )


class ReportService:
    def __init__(self) -> None:
        self.records = ReportRepository()
        self.plans = PlanRepository()

    async def annual(
        self, session: AsyncSession, fiscal_year: int, org: OrgIdentity, plan_id: int | None = None
    ) -> AnnualReport:
        """実績報告書 of a fiscal year under the plan covering it (or the plan asked for)."""
        if not FIRST_FISCAL_YEAR <= fiscal_year <= LAST_FISCAL_YEAR:
            raise InvalidInput(
                f"年度 (fiscal_year) must be {FIRST_FISCAL_YEAR}–{LAST_FISCAL_YEAR}, not {fiscal_year}",
                field="fiscal_year",
            )
        first_day, last_day = fiscal_year_range(fiscal_year)
        plan = await self._plan(session, fiscal_year, plan_id)
        records = await self.records.fiscal_year_records(session, fiscal_year)
        with_figures = sorted(business_id for business_id in records.figures if has_actuals(records, business_id))
        names = await self.records.business_names(session, with_figures)
        return AnnualReport(
            organization=ReportOrganization(
                org_id=org.org_id, name=org.org_name, kind=org.org_kind.value, kind_label=org.org_kind.label
            ),
            fiscal_year=fiscal_year,
            fiscal_year_label=fiscal_year_label(fiscal_year),
            fiscal_year_code=fiscal_year_code(fiscal_year),
            period_starts_on=first_day,
            period_ends_on=last_day,
            plan=ReportPlan(
                id=plan.id, title=plan.title, starts_on=plan.starts_on, ends_on=plan.ends_on, version=plan.version
            ),
            kpis=self._kpis(plan, records),
            kgis=self._kgis(plan, records),
            benchmarks=[benchmark(records, business_id, names.get(business_id, "")) for business_id in with_figures],
            generated_at=utc_now(),
        )

    async def _plan(self, session: AsyncSession, fiscal_year: int, plan_id: int | None) -> Plan:
        if plan_id is not None:
            return await plan_service.get(session, plan_id)
        plan = await self.plans.covering(session, *fiscal_year_range(fiscal_year))
        if plan is None:
            raise NotFound(
                f"{fiscal_year_label(fiscal_year)}（{fiscal_year_code(fiscal_year)}）を計画期間に含む"
                "経営発達支援計画がありません: no plan covers this fiscal year; create one with POST /api/v1/plans "
                "or name one with ?plan_id="
            )
        return plan

    def _kpis(self, plan: Plan, records: FiscalYearRecords) -> list[KpiResult]:
        results = []
        for kpi in plan.kpis:
            measure = KpiMeasure[kpi.measure]
            actual = KPI_MEASURES[measure](records, kpi.verified_only)
            target = next((row.target for row in kpi.targets if row.fiscal_year == records.fiscal_year), None)
            results.append(
                KpiResult(
                    code=kpi.code,
                    label=kpi.label,
                    measure=measure.value,
                    measure_label=measure.label,
                    verified_only=kpi.verified_only,
                    target=target,
                    actual=actual,
                    attainment_percent=None if target is None else percent(actual, target),
                )
            )
        return results

    def _kgis(self, plan: Plan, records: FiscalYearRecords) -> list[KgiResult]:
        titles = {theme.code: theme.title for theme in plan.themes}
        plan_theme_names = set(titles) | set(titles.values())
        results = []
        for kgi in plan.kgis:
            condition = KgiCondition[kgi.condition]
            population, basis = kgi_population(records, {kgi.theme, titles.get(kgi.theme, kgi.theme)}, plan_theme_names)
            numerator = sum(1 for business_id in population if KGI_CONDITIONS[condition](records, business_id))
            denominator = len(population)
            threshold = Decimal(str(kgi.threshold_percent))
            results.append(
                KgiResult(
                    code=kgi.code,
                    label=kgi.label,
                    theme=kgi.theme,
                    theme_title=titles.get(kgi.theme, ""),
                    condition=condition.value,
                    condition_label=condition.label,
                    numerator=numerator,
                    denominator=denominator,
                    denominator_basis=basis,
                    share_percent=percent(numerator, denominator),
                    threshold_percent=kgi.threshold_percent,
                    met=denominator > 0 and numerator * 100 >= threshold * denominator,
                )
            )
        return results


report_service = ReportService()
