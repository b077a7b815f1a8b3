from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from banso_core.vocabulary import GoalCategory, GoalStatus
from org_records.concurrency import IfMatch, expected_version
from org_records.db import DbSession
from org_records.goal.schemas import GoalFields, GoalOut, GoalPatch
from org_records.goal.service import goal_service
from org_records.org import CurrentOrg
from org_records.pagination import PageOut, PageQuery

router = APIRouter(prefix="/api/v1", tags=["goals 目標"])


@router.post("/businesses/{business_id}/goals", status_code=status.HTTP_201_CREATED, response_model=GoalOut)
async def create_goal(business_id: int, fields: GoalFields, session: DbSession, org: CurrentOrg) -> GoalOut:
    return GoalOut.model_validate(await goal_service.create(session, business_id, fields, org))


@router.get("/goals", response_model=PageOut[GoalOut])
async def list_goals(
    session: DbSession,
    page: PageQuery,
    business_id: Annotated[int | None, Query(description="事業者")] = None,
    staff_id: Annotated[int | None, Query(description="担当者")] = None,
    category: Annotated[GoalCategory | None, Query(description="目標カテゴリ")] = None,
    status: Annotated[GoalStatus | None, Query(description="支援状況")] = None,
) -> PageOut[GoalOut]:
    found = await goal_service.page(
        session, page, business_id=business_id, staff_id=staff_id, category=category, status=status
    )
    return PageOut(items=[GoalOut.model_validate(row) for row in found.items], next_cursor=found.next_cursor)


@router.get("/goals/{goal_id}", response_model=GoalOut)
async def get_goal(goal_id: int, session: DbSession) -> GoalOut:
    return GoalOut.model_validate(await goal_service.get(session, goal_id))


@router.patch("/goals/{goal_id}", response_model=GoalOut)
async def update_goal(
    goal_id: int, patch: GoalPatch, session: DbSession, org: CurrentOrg, if_match: IfMatch
) -> GoalOut:
    patch.version = expected_version(patch.version, if_match)
    return GoalOut.model_validate(await goal_service.update(session, goal_id, patch, org))


@router.delete("/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_goal(goal_id: int, session: DbSession, org: CurrentOrg) -> Response:
    await goal_service.delete(session, goal_id, org)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
