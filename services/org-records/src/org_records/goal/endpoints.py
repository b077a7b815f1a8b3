from __future__ import annotations

from fastapi import APIRouter, Response, status

from org_records.db import DbSession
from org_records.goal.schemas import GoalFields, GoalOut, GoalPatch
from org_records.goal.service import goal_service
from org_records.org import CurrentOrg

router = APIRouter(prefix="/api/v1", tags=["goals 目標"])


@router.post("/businesses/{business_id}/goals", status_code=status.HTTP_201_CREATED, response_model=GoalOut)
async def create_goal(business_id: int, fields: GoalFields, session: DbSession, org: CurrentOrg) -> GoalOut:
    return GoalOut.model_validate(await goal_service.create(session, business_id, fields, org))


@router.get("/goals/{goal_id}", response_model=GoalOut)
async def get_goal(goal_id: int, session: DbSession) -> GoalOut:
    return GoalOut.model_validate(await goal_service.get(session, goal_id))


@router.patch("/goals/{goal_id}", response_model=GoalOut)
async def update_goal(goal_id: int, patch: GoalPatch, session: DbSession, org: CurrentOrg) -> GoalOut:
    return GoalOut.model_validate(await goal_service.update(session, goal_id, patch, org))


@router.delete("/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_goal(goal_id: int, session: DbSession, org: CurrentOrg) -> Response:
    await goal_service.delete(session, goal_id, org)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
