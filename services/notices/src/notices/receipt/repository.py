from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notices.receipt.models import NoticeRead


class ReceiptRepository:
    async def add_if_absent(self, session: AsyncSession, read: NoticeRead) -> NoticeRead:
        """Record a read unless this member of staff has read the notice before; the first read is kept."""
        values = {column.key: getattr(read, column.key) for column in NoticeRead.__table__.columns}
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        await session.execute(insert(NoticeRead).values(**values).on_conflict_do_nothing())
        stored = await session.get(NoticeRead, (read.notice_id, read.org_id, read.staff_id), populate_existing=True)
        assert stored is not None
        return stored

    async def of_notice(self, session: AsyncSession, notice_id: int) -> Sequence[NoticeRead]:
        query = select(NoticeRead).where(NoticeRead.notice_id == notice_id).order_by(NoticeRead.read_at)
        return (await session.scalars(query)).all()
