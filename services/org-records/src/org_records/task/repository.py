from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.pagination import Page, PageRequest, keyset_page
from org_records.task.models import Task


class TaskRepository:
    async def get(self, session: AsyncSession, task_id: int) -> Task | None:
        return await session.get(Task, task_id)

    async def add(self, session: AsyncSession, task: Task) -> Task:
        session.add(task)
        await session.flush()
        return task

    async def delete(self, session: AsyncSession, task: Task) -> None:
        await session.delete(task)
        await session.flush()

    async def page(
        self, session: AsyncSession, request: PageRequest, *, goal_id: int | None, status: str | None
    ) -> Page[Task]:
        query = select(Task)
        if goal_id is not None:
            query = query.where(Task.goal_id == goal_id)
        if status is not None:
            query = query.where(Task.status == status)
        return await keyset_page(session, query, Task.updated_at, Task.id, request)
