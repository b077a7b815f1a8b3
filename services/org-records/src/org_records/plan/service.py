from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import NotFound, VersionConflict
from org_records.outcome_record.service import outcome_record_service
from org_records.plan.models import Plan, PlanKgi, PlanKpi, PlanKpiTarget, PlanTheme
from org_records.plan.repository import PlanRepository
from org_records.plan.schemas import PlanFields


def _set_parts(plan: Plan, fields: PlanFields) -> None:
    plan.title, plan.starts_on, plan.ends_on = fields.title, fields.starts_on, fields.ends_on
    plan.themes = [PlanTheme(position=index, **theme.model_dump()) for index, theme in enumerate(fields.themes)]
    plan.kpis = [
        PlanKpi(
            position=index,
            targets=[PlanKpiTarget(fiscal_year=year, target=target) for year, target in sorted(kpi.targets.items())],
            **kpi.model_dump(exclude={"targets"}),
        )
        for index, kpi in enumerate(fields.kpis)
    ]
    plan.kgis = [PlanKgi(position=index, **kgi.model_dump()) for index, kgi in enumerate(fields.kgis)]


class PlanService:
    def __init__(self) -> None:
        self.plans = PlanRepository()

    async def create(self, session: AsyncSession, fields: PlanFields) -> Plan:
        plan = Plan(themes=[], kpis=[], kgis=[])
        _set_parts(plan, fields)
        await self.plans.add(session, plan)
        await outcome_record_service.register_changed(session)
        return await self.get(session, plan.id)

    async def get(self, session: AsyncSession, plan_id: int) -> Plan:
        plan = await self.plans.get(session, plan_id)
        if plan is None:
            raise NotFound(f"経営発達支援計画 (plan) {plan_id} not found")
        return plan

    async def list_page(
        self, session: AsyncSession, limit: int, cursor: str | None
    ) -> tuple[Sequence[Plan], str | None]:
        return await self.plans.list_page(session, limit, cursor)

    async def replace(self, session: AsyncSession, plan_id: int, fields: PlanFields, version: int | None) -> Plan:
        plan = await self.get(session, plan_id)
        if version is not None and version != plan.version:
            raise VersionConflict(f"plan {plan_id} is at version {plan.version}, not {version}")
        await self.plans.clear_parts(session, plan)
        _set_parts(plan, fields)
        plan.version += 1
        plan.updated_at = utc_now()
        await session.flush()
        session.expire(plan)
        await outcome_record_service.register_changed(session)
        return await self.get(session, plan_id)

    async def delete(self, session: AsyncSession, plan_id: int, version: int | None = None) -> None:
        plan = await self.get(session, plan_id)
        if version is not None and version != plan.version:
            raise VersionConflict(f"plan {plan_id} is at version {plan.version}, not {version}")
        await self.plans.delete(session, plan)
        await outcome_record_service.register_changed(session)


plan_service = PlanService()
