"""Fan-out: each change is written to the outbox once per organization of the audience, on
`banso.notices.<org>.<notice|comment|reminder>.<notice id>`, so that each organization's records service reads
only what is addressed to it, with its own durable consumer (it catches up after being offline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from banso.events.v1 import notice_pb2
from banso_core.messaging import notice_subject
from notices.comment.models import NoticeComment
from notices.notice.models import Notice
from notices.outbox.repository import OutboxRepository

Op = Literal["upsert", "delete"]

_OPS = {"upsert": notice_pb2.NOTICE_EVENT_OP_UPSERT, "delete": notice_pb2.NOTICE_EVENT_OP_DELETE}


def encode_notice_event(notice: Notice, org_id: str, op: Op) -> bytes:
    message = notice_pb2.NoticeEvent(
        org_id=org_id,
        op=_OPS[op],
        notice_id=notice.id,
        version=notice.version,
        kind=notice.kind,
        category=notice.category or "",
        title=notice.title,
        pinned=notice.pinned,
        roles=list(notice.audience.get("roles", [])),
        author_org_id=notice.author_org_id,
        author_name=notice.author_name,
    )
    message.updated_at.FromDatetime(notice.updated_at)
    message.publish_at.FromDatetime(notice.publish_at)
    if notice.expires_at is not None:
        message.expires_at.FromDatetime(notice.expires_at)
    return message.SerializeToString()


def encode_comment_event(comment: NoticeComment, org_id: str, op: Op) -> bytes:
    message = notice_pb2.NoticeCommentEvent(
        org_id=org_id,
        op=_OPS[op],
        notice_id=comment.notice_id,
        comment_id=comment.id,
        version=comment.version,
        author_org_id=comment.author_org_id,
        author_name=comment.author_name,
    )
    message.updated_at.FromDatetime(comment.updated_at)
    message.created_at.FromDatetime(comment.created_at)
    return message.SerializeToString()


def encode_reminder(
    notice: Notice, org_id: str, read_staff_ids: Iterable[int], reminded_at: dt.datetime, reminded_by: str
) -> bytes:
    message = notice_pb2.NoticeReminder(
        org_id=org_id,
        notice_id=notice.id,
        title=notice.title,
        read_staff_ids=sorted(read_staff_ids),
        reminded_by=reminded_by,
    )
    message.reminded_at.FromDatetime(reminded_at)
    return message.SerializeToString()


class NoticeFanOut:
    """Writes the messages of a change into the outbox, in the change's transaction."""

    def __init__(self) -> None:
        self.outbox = OutboxRepository()

    async def notice(self, session: AsyncSession, notice: Notice, org_ids: Iterable[str], op: Op) -> None:
        for org_id in sorted(org_ids):
            subject = notice_subject(org_id, "notice", notice.id)
            await self.outbox.add(session, subject, encode_notice_event(notice, org_id, op))

    async def comment(self, session: AsyncSession, comment: NoticeComment, org_ids: Iterable[str], op: Op) -> None:
        for org_id in sorted(org_ids):
            subject = notice_subject(org_id, "comment", comment.notice_id)
            await self.outbox.add(session, subject, encode_comment_event(comment, org_id, op))

    async def reminder(
        self,
        session: AsyncSession,
        notice: Notice,
        read_staff_ids_by_org: dict[str, set[int]],
        reminded_at: dt.datetime,
        reminded_by: str,
    ) -> None:
        for org_id, read_staff_ids in sorted(read_staff_ids_by_org.items()):
            payload = encode_reminder(notice, org_id, read_staff_ids, reminded_at, reminded_by)
            await self.outbox.add(session, notice_subject(org_id, "reminder", notice.id), payload)


fan_out = NoticeFanOut()
