"""コメント on notices and posts: anyone who sees the notice comments; the author edits; the author or prefecture
staff delete."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import Forbidden, NotFound, VersionConflict
from banso_core.federation import MemberOrganizations
from notices.audit.models import NoticeAuditAction
from notices.audit.service import audit_service
from notices.caller import Caller
from notices.comment.models import NoticeComment
from notices.comment.repository import CommentRepository
from notices.comment.schemas import CommentFields, CommentOut, CommentPatch
from notices.markdown import render_markdown
from notices.notice.events import fan_out
from notices.notice.service import notice_service, recipients


class CommentService:
    def __init__(self) -> None:
        self.comments = CommentRepository()

    async def create(
        self,
        session: AsyncSession,
        caller: Caller,
        members: MemberOrganizations,
        notice_id: int,
        fields: CommentFields,
    ) -> CommentOut:
        caller.check_may_write()
        notice = (await notice_service.seen(session, caller, notice_id)).notice
        now = utc_now()
        comment = await self.comments.add(
            session,
            NoticeComment(
                notice_id=notice.id,
                body=fields.body,
                body_html=render_markdown(fields.body),
                author_org_id=caller.org_id,
                author_org_name=caller.org_name,
                author_staff_id=caller.staff_id,
                author_name=caller.name,
                version=1,
                created_at=now,
                updated_at=now,
            ),
        )
        await audit_service.record(session, caller, NoticeAuditAction.create, notice.id, comment_id=comment.id)
        await fan_out.comment(session, comment, recipients(notice.audience, members), "upsert")
        return CommentOut.model_validate(comment)

    async def of_notice(self, session: AsyncSession, caller: Caller, notice_id: int) -> list[CommentOut]:
        await notice_service.seen(session, caller, notice_id)
        return [CommentOut.model_validate(comment) for comment in await self.comments.of_notice(session, notice_id)]

    async def update(
        self,
        session: AsyncSession,
        caller: Caller,
        members: MemberOrganizations,
        notice_id: int,
        comment_id: int,
        patch: CommentPatch,
    ) -> CommentOut:
        notice = (await notice_service.seen(session, caller, notice_id)).notice
        comment = await self._get(session, notice_id, comment_id)
        if not caller.is_author(comment.author_org_id, comment.author_staff_id):
            raise Forbidden("コメントを編集できるのは投稿者のみです (only the author edits a comment)")
        if patch.version is not None and patch.version != comment.version:
            raise VersionConflict(f"comment {comment_id} is at version {comment.version}, not {patch.version}")
        comment.body, comment.body_html = patch.body, render_markdown(patch.body)
        comment.version += 1
        comment.updated_at = utc_now()
        await session.flush()
        await audit_service.record(session, caller, NoticeAuditAction.update, notice.id, comment_id=comment.id)
        await fan_out.comment(session, comment, recipients(notice.audience, members), "upsert")
        return CommentOut.model_validate(comment)

    async def delete(
        self, session: AsyncSession, caller: Caller, members: MemberOrganizations, notice_id: int, comment_id: int
    ) -> None:
        notice = (await notice_service.seen(session, caller, notice_id)).notice
        comment = await self._get(session, notice_id, comment_id)
        by_author = caller.is_author(comment.author_org_id, comment.author_staff_id)
        if not by_author and not caller.is_prefecture:
            raise Forbidden("削除できるのは投稿者と県職員のみです (only the author or prefecture staff delete)")
        comment.deleted_at = comment.updated_at = utc_now()
        comment.deleted_by = caller.signature
        comment.version += 1
        await session.flush()
        action = NoticeAuditAction.delete if by_author else NoticeAuditAction.moderate
        await audit_service.record(session, caller, action, notice.id, comment_id=comment.id)
        await fan_out.comment(session, comment, recipients(notice.audience, members), "delete")

    async def _get(self, session: AsyncSession, notice_id: int, comment_id: int) -> NoticeComment:
        comment = await self.comments.get(session, notice_id, comment_id)
        if comment is None:
            raise NotFound(f"comment {comment_id} of notice {notice_id} not found")
        return comment


comment_service = CommentService()
