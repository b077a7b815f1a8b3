from __future__ import annotations

from typing import Any

import grpc

from banso.records.v1 import plans_pb2
from banso_core.db import Database
from banso_core.errors import InvalidInput
from banso_core.protobuf import message_fields
from org_records.org import OrgIdentity
from org_records.plan.endpoints import plan_out
from org_records.plan.schemas import PlanFields, PlanOut
from org_records.plan.service import plan_service

OUTPUT_ONLY = {"measure_label", "condition_label"}


def plan_fields(message: plans_pb2.PlanInput) -> PlanFields:
    values = message_fields(message)

    def without_labels(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{name: value for name, value in item.items() if name not in OUTPUT_ONLY} for item in items]

    for part in ("kpis", "kgis"):
        if part in values:
            values[part] = without_labels(values[part])
    return PlanFields.model_validate(values)


def plan_to_proto(plan: PlanOut) -> plans_pb2.Plan:
    message = plans_pb2.Plan(id=plan.id, version=plan.version)
    fields = message.fields
    fields.title, fields.starts_on, fields.ends_on = plan.title, plan.starts_on.isoformat(), plan.ends_on.isoformat()
    fields.themes.extend(plans_pb2.PlanTheme(code=theme.code, title=theme.title) for theme in plan.themes)
    for kpi in plan.kpis:
        fields.kpis.append(
            plans_pb2.PlanKpi(
                code=kpi.code,
                label=kpi.label,
                measure=kpi.measure.value,
                targets=kpi.targets,
                verified_only=kpi.verified_only,
                measure_label=kpi.measure_label,
            )
        )
    fields.kgis.extend(
        plans_pb2.PlanKgi(
            code=kgi.code,
            label=kgi.label,
            theme=kgi.theme,
            condition=kgi.condition.value,
            threshold_percent=kgi.threshold_percent,
            condition_label=kgi.condition_label,
        )
        for kgi in plan.kgis
    )
    message.created_at.FromDatetime(plan.created_at)
    message.updated_at.FromDatetime(plan.updated_at)
    return message


class PlanRpcs:
    database: Database
    org: OrgIdentity

    async def CreatePlan(
        self, request: plans_pb2.CreatePlanRequest, context: grpc.aio.ServicerContext
    ) -> plans_pb2.CreatePlanResponse:
        fields = plan_fields(request.plan)
        async with self.database.session() as session:
            plan = plan_out(await plan_service.create(session, fields))
            await session.commit()
        return plans_pb2.CreatePlanResponse(plan=plan_to_proto(plan))

    async def GetPlan(
        self, request: plans_pb2.GetPlanRequest, context: grpc.aio.ServicerContext
    ) -> plans_pb2.GetPlanResponse:
        async with self.database.session() as session:
            plan = plan_out(await plan_service.get(session, request.id))
        return plans_pb2.GetPlanResponse(plan=plan_to_proto(plan))

    async def ListPlans(
        self, request: plans_pb2.ListPlansRequest, context: grpc.aio.ServicerContext
    ) -> plans_pb2.ListPlansResponse:
        limit = request.limit or 50
        if not 1 <= limit <= 500:
            raise InvalidInput("limit must be 1–500", field="limit")
        async with self.database.session() as session:
            plans, next_cursor = await plan_service.list_page(session, limit, request.cursor or None)
            outs = [plan_out(plan) for plan in plans]
        return plans_pb2.ListPlansResponse(plans=[plan_to_proto(plan) for plan in outs], next_cursor=next_cursor or "")

    async def UpdatePlan(
        self, request: plans_pb2.UpdatePlanRequest, context: grpc.aio.ServicerContext
    ) -> plans_pb2.UpdatePlanResponse:
        fields = plan_fields(request.plan)
        version = request.expected_version if request.HasField("expected_version") else None
        async with self.database.session() as session:
            plan = plan_out(await plan_service.replace(session, request.id, fields, version))
            await session.commit()
        return plans_pb2.UpdatePlanResponse(plan=plan_to_proto(plan))

    async def DeletePlan(
        self, request: plans_pb2.DeletePlanRequest, context: grpc.aio.ServicerContext
    ) -> plans_pb2.DeletePlanResponse:
        version = request.expected_version if request.HasField("expected_version") else None
        async with self.database.session() as session:
            await plan_service.delete(session, request.id, version)
            await session.commit()
        return plans_pb2.DeletePlanResponse()
