from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business
from org_records.financials.models import QuarterlyFinancials
from org_records.fiscal import fiscal_year_range
from org_records.goal.models import Goal
from org_records.outcome.models import OutcomeEvent
from org_records.policy_support.models import PolicySupport
from org_records.report.measures import FiscalYearRecords, Quarters
from org_records.support_session.models import SupportSession


class ReportRepository:
    async def fiscal_year_records(self, session: AsyncSession, fiscal_year: int) -> FiscalYearRecords:
        first_day, last_day = fiscal_year_range(fiscal_year)
        sessions = await session.scalars(
            select(SupportSession).where(SupportSession.held_on.between(first_day, last_day))
        )
        outcomes = await session.scalars(
            select(OutcomeEvent).where(OutcomeEvent.occurred_on.between(first_day, last_day))
        )
        policy_supports = await session.scalars(
            select(PolicySupport).where(PolicySupport.decided_on.between(first_day, last_day))
        )
        records = FiscalYearRecords(
            fiscal_year=fiscal_year,
            sessions=list(sessions.all()),
            outcomes=list(outcomes.all()),
            policy_supports=list(policy_supports.all()),
            figures=await self._figures(session, fiscal_year),
            previous_figures=await self._figures(session, fiscal_year - 1),
        )
        records.goal_themes = await self._goal_themes(session, records.supported_businesses)
        return records

    async def business_names(self, session: AsyncSession, business_ids: Collection[int]) -> dict[int, str]:
        if not business_ids:
            return {}
        rows = await session.execute(select(Business.id, Business.name).where(Business.id.in_(business_ids)))
        return {business_id: name for business_id, name in rows}

    async def _figures(self, session: AsyncSession, fiscal_year: int) -> dict[int, Quarters]:
        rows = await session.scalars(select(QuarterlyFinancials).where(QuarterlyFinancials.fiscal_year == fiscal_year))
        figures: dict[int, Quarters] = defaultdict(dict)
        for row in rows:
            figures[row.business_id][row.quarter] = row
        return dict(figures)

    async def _goal_themes(self, session: AsyncSession, business_ids: Collection[int]) -> dict[int, set[str]]:
        if not business_ids:
            return {}
        rows = await session.execute(
            select(Goal.business_id, Goal.plan_theme).where(
                Goal.business_id.in_(business_ids), Goal.plan_theme.is_not(None)
            )
        )
        themes: dict[int, set[str]] = defaultdict(set)
        for business_id, theme in rows:
            if theme is not None:
                themes[business_id].add(theme)
        return dict(themes)
