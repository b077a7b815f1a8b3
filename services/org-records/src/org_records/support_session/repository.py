from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from org_records.goal.models import Goal
from org_records.pagination import Page, PageRequest, keyset_page
from org_records.support_session.models import SupportSession


class SupportSessionRepository:
    async def get(self, session: AsyncSession, session_id: int) -> SupportSession | None:
        query = (
            select(SupportSession).where(SupportSession.id == session_id).options(selectinload(SupportSession.goals))
        )
        return (await session.scalars(query)).one_or_none()

    async def add(self, session: AsyncSession, record: SupportSession) -> SupportSession:
        session.add(record)
        await session.flush()
        return record

    async def delete(self, session: AsyncSession, record: SupportSession) -> None:
        await session.delete(record)
        await session.flush()

    async def goals_of_business(self, session: AsyncSession, business_id: int, goal_ids: Sequence[int]) -> list[Goal]:
        if not goal_ids:
            return []
        query = select(Goal).where(Goal.business_id == business_id, Goal.id.in_(goal_ids))
        return list((await session.scalars(query)).all())

    async def list_for_business(
        self, session: AsyncSession, business_id: int, limit: int, offset: int
    ) -> tuple[Sequence[SupportSession], int]:
        condition = SupportSession.business_id == business_id
        total = await session.scalar(select(func.count()).select_from(SupportSession).where(condition)) or 0
        query = (
            select(SupportSession)
            .where(condition)
            .options(selectinload(SupportSession.goals))
            .order_by(SupportSession.held_on.desc(), SupportSession.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return (await session.scalars(query)).all(), total

    async def latest_of_businesses(
        self, session: AsyncSession, business_ids: Sequence[int]
    ) -> Sequence[SupportSession]:
        """The newest session (by 実施日, then id) of each of the businesses, in one query."""
        if not business_ids:
            return []
        newest_first = (SupportSession.held_on.desc(), SupportSession.id.desc())
        ranked = (
            select(
                SupportSession.id,
                func.row_number().over(partition_by=SupportSession.business_id, order_by=newest_first).label("rank"),
            )
            .where(SupportSession.business_id.in_(business_ids))
            .subquery()
        )
        query = (
            select(SupportSession)
            .join(ranked, ranked.c.id == SupportSession.id)
            .where(ranked.c.rank == 1)
            .options(selectinload(SupportSession.goals))
            .order_by(SupportSession.business_id)
        )
        return (await session.scalars(query)).all()

    async def page(
        self, session: AsyncSession, request: PageRequest, *, business_id: int | None, staff_id: int | None
    ) -> Page[SupportSession]:
        query = select(SupportSession).options(selectinload(SupportSession.goals))
        if business_id is not None:
            query = query.where(SupportSession.business_id == business_id)
        if staff_id is not None:
            query = query.where(SupportSession.staff_id == staff_id)
        return await keyset_page(session, query, SupportSession.updated_at, SupportSession.id, request)
