from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notices.audit.models import NoticeAuditEntry


class AuditRepository:
    async def add(self, session: AsyncSession, entry: NoticeAuditEntry) -> None:
        session.add(entry)
        await session.flush()

    async def search(
        self, session: AsyncSession, *, notice_id: int | None, limit: int, offset: int
    ) -> tuple[Sequence[NoticeAuditEntry], int]:
        query = select(NoticeAuditEntry)
        if notice_id is not None:
            query = query.where(NoticeAuditEntry.notice_id == notice_id)
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        newest_first = query.order_by(NoticeAuditEntry.at.desc(), NoticeAuditEntry.id.desc())
        return (await session.scalars(newest_first.limit(limit).offset(offset))).all(), int(total or 0)
