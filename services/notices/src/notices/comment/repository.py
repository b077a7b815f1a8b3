from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notices.comment.models import NoticeComment


class CommentRepository:
    async def add(self, session: AsyncSession, comment: NoticeComment) -> NoticeComment:
        session.add(comment)
        await session.flush()
        return comment

    async def get(self, session: AsyncSession, notice_id: int, comment_id: int) -> NoticeComment | None:
        """A comment of this notice that is not deleted."""
        comment = await session.get(NoticeComment, comment_id)
        if comment is None or comment.notice_id != notice_id or comment.deleted_at is not None:
            return None
        return comment

    async def of_notice(self, session: AsyncSession, notice_id: int) -> Sequence[NoticeComment]:
        """Oldest first, as a conversation reads."""
        query = (
            select(NoticeComment)
            .where(NoticeComment.notice_id == notice_id, NoticeComment.deleted_at.is_(None))
            .order_by(NoticeComment.id)
        )
        return (await session.scalars(query)).all()
