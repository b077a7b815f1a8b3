"""お知らせ and 投稿: who may write what, who sees what, and what leaves for the organizations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import Forbidden, InvalidInput, NotFound, VersionConflict
from banso_core.federation import MemberOrganizations
from banso_core.japanese import analyse_query, index_text
from banso_core.vocabulary import NoticeKind
from notices.audit.models import NoticeAuditAction
from notices.audit.service import audit_service
from notices.caller import Caller
from notices.markdown import render_markdown
from notices.notice.events import fan_out
from notices.notice.models import Notice
from notices.notice.repository import NoticeRepository, SeenNotice
from notices.notice.schemas import Audience, NoticeFields, NoticeOut, NoticePage, NoticePatch, NoticeSearch


def notice_out(seen: SeenNotice) -> NoticeOut:
    return NoticeOut.model_validate(seen.notice).model_copy(
        update={"read": seen.read, "comment_count": seen.comment_count}
    )


def recipients(audience: Audience | dict[str, Any], members: MemberOrganizations) -> set[str]:
    """The member organizations a notice is addressed to (roles are applied by each organization)."""
    audience = Audience.model_validate(audience)
    return {org.id for org in members.selected(audience.org_kinds, audience.org_ids)}


class NoticeService:
    def __init__(self) -> None:
        self.notices = NoticeRepository()

    async def create(
        self, session: AsyncSession, caller: Caller, members: MemberOrganizations, fields: NoticeFields
    ) -> NoticeOut:
        caller.check_may_write()
        if fields.kind == NoticeKind.official and not caller.is_prefecture:
            raise Forbidden("県からのお知らせは県職員のみ投稿できます (only prefecture staff post official notices)")
        self._check_known_organizations(fields.audience, members)
        now = utc_now()
        notice = await self.notices.add(
            session,
            Notice(
                **self._stored_fields(fields),
                publish_at=fields.publish_at or now,
                author_org_id=caller.org_id,
                author_org_name=caller.org_name,
                author_staff_id=caller.staff_id,
                author_name=caller.name,
                version=1,
                created_at=now,
                updated_at=now,
            ),
        )
        await self.notices.replace_targets(session, notice.id, notice.audience)
        await audit_service.record(session, caller, NoticeAuditAction.create, notice.id, detail=notice.title)
        await fan_out.notice(session, notice, recipients(notice.audience, members), "upsert")
        return notice_out(SeenNotice(notice, read=False, comment_count=0))

    async def search(self, session: AsyncSession, caller: Caller, params: NoticeSearch) -> NoticePage:
        if params.moderation and not caller.is_prefecture:
            raise Forbidden("moderation lists are for prefecture staff (県職員) only", field="moderation")
        found, total = await self.notices.search(
            session,
            caller,
            utc_now(),
            words=analyse_query(params.q),
            kind=params.kind,
            category=params.category,
            everything=params.moderation,
            limit=params.limit,
            offset=params.offset,
        )
        return NoticePage(items=[notice_out(seen) for seen in found], total=total)

    async def seen(self, session: AsyncSession, caller: Caller, notice_id: int) -> SeenNotice:
        """A notice the caller may open: one that targets them while published, their own, or (for prefecture staff,
        who moderate) any. Anything else is answered as missing, so that its existence does not leak."""
        seen = await self.notices.seen(session, caller, notice_id)
        if seen is None or not (caller.is_prefecture or self._is_visible(seen.notice, caller)):
            raise NotFound(f"notice {notice_id} not found")
        return seen

    async def get(self, session: AsyncSession, caller: Caller, notice_id: int) -> NoticeOut:
        return notice_out(await self.seen(session, caller, notice_id))

    async def update(
        self,
        session: AsyncSession,
        caller: Caller,
        members: MemberOrganizations,
        notice_id: int,
        patch: NoticePatch,
    ) -> NoticeOut:
        seen = await self.seen(session, caller, notice_id)
        notice = seen.notice
        if not caller.is_author(notice.author_org_id, notice.author_staff_id):
            raise Forbidden("お知らせを編集できるのは投稿者のみです (only the author edits a notice)")
        if patch.version is not None and patch.version != notice.version:
            raise VersionConflict(f"notice {notice_id} is at version {notice.version}, not {patch.version}")
        changes = patch.model_dump(exclude_unset=True, exclude={"version"})
        merged = NoticeFields.model_validate(self._fields_of(notice) | changes)
        self._check_known_organizations(merged.audience, members)
        before = recipients(notice.audience, members)
        for name, value in self._stored_fields(merged).items():
            setattr(notice, name, value)
        notice.publish_at = merged.publish_at or utc_now()
        notice.version += 1
        notice.updated_at = utc_now()
        await session.flush()
        await self.notices.replace_targets(session, notice.id, notice.audience)
        after = recipients(notice.audience, members)
        await audit_service.record(
            session, caller, NoticeAuditAction.update, notice.id, detail="changed: " + ", ".join(sorted(changes))
        )
        await fan_out.notice(session, notice, after, "upsert")
        await fan_out.notice(session, notice, before - after, "delete")
        return notice_out(SeenNotice(notice, seen.read, seen.comment_count))

    async def delete(self, session: AsyncSession, caller: Caller, members: MemberOrganizations, notice_id: int) -> None:
        """By its author, or moderated by prefecture staff; kept for the audit log, gone for everyone else."""
        notice = (await self.seen(session, caller, notice_id)).notice
        by_author = caller.is_author(notice.author_org_id, notice.author_staff_id)
        if not by_author and not caller.is_prefecture:
            raise Forbidden("削除できるのは投稿者と県職員のみです (only the author or prefecture staff delete)")
        notice.deleted_at = notice.updated_at = utc_now()
        notice.deleted_by = caller.signature
        notice.version += 1
        await session.flush()
        action = NoticeAuditAction.delete if by_author else NoticeAuditAction.moderate
        await audit_service.record(session, caller, action, notice.id, detail=notice.title)
        await fan_out.notice(session, notice, recipients(notice.audience, members), "delete")

    @staticmethod
    def _is_visible(notice: Notice, caller: Caller) -> bool:
        """The same rule as the repository's `visible_to`, for one notice already loaded."""
        if caller.is_author(notice.author_org_id, notice.author_staff_id):
            return True
        now = utc_now()
        if notice.publish_at > now or (notice.expires_at is not None and notice.expires_at <= now):
            return False
        audience = Audience.model_validate(notice.audience)
        org_ok = (not audience.org_kinds and not audience.org_ids) or (
            caller.org_kind in audience.org_kinds or caller.org_id in audience.org_ids
        )
        return org_ok and (not audience.roles or caller.role in audience.roles)

    @staticmethod
    def _check_known_organizations(audience: Audience, members: MemberOrganizations) -> None:
        unknown = [org_id for org_id in audience.org_ids if members.get(org_id) is None]
        if unknown:
            raise InvalidInput(
                f"not member organizations of the federation registry: {', '.join(unknown)}", field="audience.org_ids"
            )

    @staticmethod
    def _stored_fields(fields: NoticeFields) -> dict[str, Any]:
        return {
            "kind": fields.kind,
            "category": fields.category,
            "title": fields.title,
            "body": fields.body,
            "body_html": render_markdown(fields.body),
            "search_terms": index_text(f"{fields.title}\n{fields.body}"),
            "audience": fields.audience.model_dump(mode="json"),
            "expires_at": fields.expires_at,
            "pinned": fields.pinned,
            "attachments": [attachment.model_dump(mode="json") for attachment in fields.attachments],
        }

    @staticmethod
    def _fields_of(notice: Notice) -> dict[str, Any]:
        return {
            "kind": notice.kind,
            "category": notice.category,
            "title": notice.title,
            "body": notice.body,
            "audience": notice.audience,
            "publish_at": notice.publish_at,
            "expires_at": notice.expires_at,
            "pinned": notice.pinned,
            "attachments": notice.attachments,
        }


notice_service = NoticeService()
