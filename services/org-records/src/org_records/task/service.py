from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, NotFound, VersionConflict
from banso_core.vocabulary import TaskStatus
from org_records.goal.models import Goal
from org_records.goal.service import goal_service
from org_records.pagination import Page, PageRequest
from org_records.task.models import Task
from org_records.task.repository import TaskRepository
from org_records.task.schemas import TaskFields, TaskPatch


class TaskService:
    def __init__(self) -> None:
        self.tasks = TaskRepository()

    async def create(self, session: AsyncSession, goal_id: int, fields: TaskFields) -> Task:
        goal = await goal_service.get(session, goal_id)
        self._check_dates(goal, fields)
        return await self.tasks.add(session, Task(goal_id=goal.id, **fields.model_dump()))

    async def get(self, session: AsyncSession, task_id: int) -> Task:
        task = await self.tasks.get(session, task_id)
        if task is None:
            raise NotFound(f"task {task_id} not found")
        return task

    async def page(
        self,
        session: AsyncSession,
        request: PageRequest,
        *,
        goal_id: int | None = None,
        status: TaskStatus | None = None,
    ) -> Page[Task]:
        if goal_id is not None:
            await goal_service.get(session, goal_id)
        return await self.tasks.page(session, request, goal_id=goal_id, status=status)

    async def update(self, session: AsyncSession, task_id: int, patch: TaskPatch) -> Task:
        task = await self.get(session, task_id)
        if patch.version is not None and patch.version != task.version:
            raise VersionConflict(f"task {task_id} is at version {task.version}, not {patch.version}")
        current = {name: getattr(task, name) for name in TaskFields.model_fields}
        changes = patch.model_dump(exclude_unset=True, exclude={"version"})
        if changes.get("status") not in (None, TaskStatus.done) and "done_on" not in changes:
            changes["done_on"] = None
        merged = TaskFields.model_validate(current | changes)
        self._check_dates(await goal_service.get(session, task.goal_id), merged)
        for name, value in merged.model_dump().items():
            setattr(task, name, value)
        task.version += 1
        task.updated_at = utc_now()
        await session.flush()
        return task

    async def delete(self, session: AsyncSession, task_id: int) -> None:
        await self.tasks.delete(session, await self.get(session, task_id))

    @staticmethod
    def _check_dates(goal: Goal, fields: TaskFields) -> None:
        if fields.done_on is not None and fields.done_on < goal.set_on:
            raise InvalidInput(
                f"完了日 (done_on) cannot be before the goal's 設定日 {goal.set_on.isoformat()}", field="done_on"
            )


task_service = TaskService()
