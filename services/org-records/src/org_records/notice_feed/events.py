"""Consuming `banso.notices.<this org>.…` with a durable consumer of this organization: decode, check that the
message is addressed here, apply, commit, then ack. An instance that was offline catches up from where it was."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg

from banso.events.v1 import notice_pb2
from banso_core.db import Database
from banso_core.messaging import (
    NOTICES_STREAM,
    DurableConsumer,
    NatsLink,
    Undeliverable,
    decoded_batch,
    notices_of_org,
    org_of_subject,
)
from banso_core.text import has_control_characters
from org_records.notice_feed.service import (
    Incoming,
    IncomingAlert,
    IncomingComment,
    IncomingNotice,
    IncomingReminder,
    notice_feed_service,
)

MAX_ID = 2**63 - 1


class UndeliverableNotice(Undeliverable):
    """A message no retry can make valid; it goes to the dead-letter stream with this reason."""


def _moment(
    message: notice_pb2.NoticeEvent | notice_pb2.NoticeCommentEvent | notice_pb2.NoticeReminder, field: str
) -> dt.datetime:
    try:
        return getattr(message, field).ToDatetime(tzinfo=dt.UTC)  # type: ignore[no-any-return]
    except (ValueError, OverflowError) as error:
        raise UndeliverableNotice(f"{field} is not a valid timestamp: {error}") from error


def _check(
    message: notice_pb2.NoticeEvent | notice_pb2.NoticeCommentEvent | notice_pb2.NoticeReminder,
    subject: str,
    org_id: str,
) -> None:
    if message.org_id != org_id or org_of_subject(subject) != org_id:
        raise UndeliverableNotice(f"addressed to {message.org_id!r} on {subject!r}, not to {org_id!r}")
    for field, value in message.ListFields():
        if isinstance(value, str) and has_control_characters(value):
            raise UndeliverableNotice(f"{field.name} contains control characters")
    if not 0 < message.notice_id <= MAX_ID:
        raise UndeliverableNotice("notice_id must be a positive 64-bit integer")


def _withdrawn(op: int) -> bool:
    if op == notice_pb2.NOTICE_EVENT_OP_UPSERT:
        return False
    if op == notice_pb2.NOTICE_EVENT_OP_DELETE:
        return True
    raise UndeliverableNotice(f"unknown op {op}")


def decode_notice_message(subject: str, data: bytes, org_id: str) -> Incoming:
    """The event a message of `banso.notices.<org>.<notice|comment|reminder>.<id>` carries."""
    event = subject.split(".")[3] if subject.count(".") >= 4 else ""
    try:
        if event == "notice":
            notice = notice_pb2.NoticeEvent.FromString(data)
            _check(notice, subject, org_id)
            return IncomingNotice(
                notice_id=notice.notice_id,
                version=notice.version,
                withdrawn=_withdrawn(notice.op),
                updated_at=_moment(notice, "updated_at"),
                kind=notice.kind[:20],
                category=notice.category[:40] or None,
                title=notice.title[:200],
                publish_at=_moment(notice, "publish_at"),
                expires_at=_moment(notice, "expires_at") if notice.HasField("expires_at") else None,
                pinned=notice.pinned,
                roles=[role[:20] for role in notice.roles],
                author_org_id=notice.author_org_id[:64],
                author_name=notice.author_name[:100],
            )
        if event == "comment":
            comment = notice_pb2.NoticeCommentEvent.FromString(data)
            _check(comment, subject, org_id)
            return IncomingComment(
                comment_id=comment.comment_id,
                notice_id=comment.notice_id,
                version=comment.version,
                withdrawn=_withdrawn(comment.op),
                author_org_id=comment.author_org_id[:64],
                author_name=comment.author_name[:100],
                created_at=_moment(comment, "created_at"),
            )
        if event == "alert":
            alert = notice_pb2.SimilarGoalAlert.FromString(data)
            if alert.org_id != org_id or org_of_subject(subject) != org_id:
                raise UndeliverableNotice(f"addressed to {alert.org_id!r} on {subject!r}, not to {org_id!r}")
            for field, value in alert.ListFields():
                if isinstance(value, str) and has_control_characters(value):
                    raise UndeliverableNotice(f"{field.name} contains control characters")
            if not alert.alert_id or not alert.staff_handle:
                raise UndeliverableNotice("alert_id and staff_handle are required")
            try:
                found_at = alert.found_at.ToDatetime(tzinfo=dt.UTC)
            except (ValueError, OverflowError) as error:
                raise UndeliverableNotice(f"found_at is not a valid timestamp: {error}") from error
            return IncomingAlert(
                alert_id=alert.alert_id[:64],
                staff_handle=alert.staff_handle[:64],
                goal_ref=alert.goal_ref[:64],
                goal_text=alert.goal_text[:400],
                other_org_id=alert.other_org_id[:64],
                other_org_name=alert.other_org_name[:200],
                other_goal_ref=alert.other_goal_ref[:64],
                other_goal_text=alert.other_goal_text[:400],
                other_staff_name=alert.other_staff_name[:100],
                category=alert.category[:40],
                shared_terms=[term[:40] for term in alert.shared_terms[:50]],
                similarity=min(max(alert.similarity, 0.0), 1.0),
                found_at=found_at,
            )
        if event == "reminder":
            reminder = notice_pb2.NoticeReminder.FromString(data)
            _check(reminder, subject, org_id)
            return IncomingReminder(
                notice_id=reminder.notice_id,
                reminded_at=_moment(reminder, "reminded_at"),
                reminded_by=reminder.reminded_by[:200],
                read_staff_ids=list(reminder.read_staff_ids),
            )
    except DecodeError as error:
        raise UndeliverableNotice(f"not a banso.events.v1 notice message: {error}") from error
    raise UndeliverableNotice(f"unknown notice subject {subject!r}")


class NoticeFeedConsumer(DurableConsumer):
    """The organization's own durable consumer of what the notices service addressed to it."""

    def __init__(self, database: Database, nats: NatsLink, org_id: str) -> None:
        self.org_id = org_id
        super().__init__(
            database,
            nats,
            stream=NOTICES_STREAM,
            durable=f"notice-feed-{org_id}",
            filter_subject=notices_of_org(org_id),
            batch_size=256,
        )

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        js = await self.nats.jetstream()
        decode = functools.partial(decode_notice_message, org_id=self.org_id)
        async with decoded_batch(js, msgs, decode, "notice_feed.consume") as decoded:
            async with self.database.session() as session:
                await notice_feed_service.ingest(session, [event for _, event in decoded])
                await session.commit()
        for msg in msgs:
            await msg.ack()
