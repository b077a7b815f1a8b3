from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from org_records.db import DbSession
from org_records.plan.models import Plan
from org_records.plan.schemas import PlanFields, PlanList, PlanOut, PlanPut
from org_records.plan.service import plan_service
from org_records.schemas import IfMatch, expected_version

router = APIRouter(prefix="/api/v1/plans", tags=["plans 経営発達支援計画"])


def plan_out(plan: Plan) -> PlanOut:
    return PlanOut.model_validate(plan, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlanOut)
async def create_plan(fields: PlanFields, session: DbSession) -> PlanOut:
    return plan_out(await plan_service.create(session, fields))


@router.get("", response_model=PlanList)
async def list_plans(
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PlanList:
    plans, next_cursor = await plan_service.list_page(session, limit, cursor)
    return PlanList(items=[plan_out(plan) for plan in plans], next_cursor=next_cursor)


@router.get("/{plan_id}", response_model=PlanOut)
async def get_plan(plan_id: int, session: DbSession, response: Response) -> PlanOut:
    plan = await plan_service.get(session, plan_id)
    response.headers["ETag"] = f'"{plan.version}"'
    return plan_out(plan)


@router.put("/{plan_id}", response_model=PlanOut)
async def replace_plan(plan_id: int, fields: PlanPut, session: DbSession, if_match: IfMatch = None) -> PlanOut:
    version = expected_version(if_match, fields.version)
    return plan_out(await plan_service.replace(session, plan_id, fields, version))


@router.delete("/{plan_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_plan(plan_id: int, session: DbSession, if_match: IfMatch = None) -> Response:
    await plan_service.delete(session, plan_id, expected_version(if_match, None))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
