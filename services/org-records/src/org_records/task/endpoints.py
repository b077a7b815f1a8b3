from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from banso_core.vocabulary import TaskStatus
from org_records.concurrency import IfMatch, expected_version
from org_records.db import DbSession
from org_records.pagination import PageOut, PageQuery
from org_records.task.schemas import TaskFields, TaskOut, TaskPatch
from org_records.task.service import task_service

router = APIRouter(prefix="/api/v1", tags=["tasks 課題・行動タスク"])


@router.post("/goals/{goal_id}/tasks", status_code=status.HTTP_201_CREATED, response_model=TaskOut)
async def create_task(goal_id: int, fields: TaskFields, session: DbSession) -> TaskOut:
    return TaskOut.model_validate(await task_service.create(session, goal_id, fields))


@router.get("/goals/{goal_id}/tasks", response_model=PageOut[TaskOut])
async def list_tasks_of_goal(
    goal_id: int,
    session: DbSession,
    page: PageQuery,
    status: Annotated[TaskStatus | None, Query(description="状況")] = None,
) -> PageOut[TaskOut]:
    found = await task_service.page(session, page, goal_id=goal_id, status=status)
    return PageOut(items=[TaskOut.model_validate(task) for task in found.items], next_cursor=found.next_cursor)


@router.get("/tasks", response_model=PageOut[TaskOut])
async def list_tasks(
    session: DbSession,
    page: PageQuery,
    goal_id: Annotated[int | None, Query(description="目標")] = None,
    status: Annotated[TaskStatus | None, Query(description="状況")] = None,
) -> PageOut[TaskOut]:
    found = await task_service.page(session, page, goal_id=goal_id, status=status)
    return PageOut(items=[TaskOut.model_validate(task) for task in found.items], next_cursor=found.next_cursor)


@router.get("/tasks/{task_id}", response_model=TaskOut)
async def get_task(task_id: int, session: DbSession) -> TaskOut:
    return TaskOut.model_validate(await task_service.get(session, task_id))


@router.patch("/tasks/{task_id}", response_model=TaskOut)
async def update_task(task_id: int, patch: TaskPatch, session: DbSession, if_match: IfMatch) -> TaskOut:
    patch.version = expected_version(patch.version, if_match)
    return TaskOut.model_validate(await task_service.update(session, task_id, patch))


@router.delete("/tasks/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_task(task_id: int, session: DbSession) -> Response:
    await task_service.delete(session, task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
