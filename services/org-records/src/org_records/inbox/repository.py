from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business
from org_records.goal.models import Goal
from org_records.inbox.models import InboxInquiry, InboxReply


class InboxRepository:
    async def get(self, session: AsyncSession, inquiry_id: str) -> InboxInquiry | None:
        return await session.get(InboxInquiry, inquiry_id)

    async def add(self, session: AsyncSession, row: InboxInquiry | InboxReply) -> None:
        session.add(row)
        await session.flush()

    async def page(
        self, session: AsyncSession, staff_id: int | None, limit: int, offset: int
    ) -> tuple[Sequence[InboxInquiry], int]:
        """Newest first: those addressed to `staff_id`, or every one when None (an administrator)."""
        where = [] if staff_id is None else [InboxInquiry.staff_id == staff_id]
        total = int(await session.scalar(select(func.count()).select_from(InboxInquiry).where(*where)) or 0)
        query = (
            select(InboxInquiry)
            .where(*where)
            .order_by(InboxInquiry.asked_at.desc(), InboxInquiry.inquiry_id)
            .limit(limit)
            .offset(offset)
        )
        return (await session.scalars(query)).all(), total

    async def replies(self, session: AsyncSession, inquiry_ids: Sequence[str]) -> dict[str, list[InboxReply]]:
        query = select(InboxReply).where(InboxReply.inquiry_id.in_(inquiry_ids)).order_by(InboxReply.replied_at)
        found: dict[str, list[InboxReply]] = {inquiry_id: [] for inquiry_id in inquiry_ids}
        for reply in (await session.scalars(query)).all():
            found[reply.inquiry_id].append(reply)
        return found

    async def goal_keys(self, session: AsyncSession) -> Sequence[Row[int, dt.datetime, int | None, bool]]:
        """Every goal's id, creation time and 担当者, and whether it is shared now (its business consenting)."""
        query = select(Goal.id, Goal.created_at, Goal.staff_id, Goal.shared & Business.sharing_consent).join(
            Business, Business.id == Goal.business_id
        )
        return (await session.execute(query)).all()
