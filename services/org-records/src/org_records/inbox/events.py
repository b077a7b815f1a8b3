"""Questions arrive on `banso.inquiries.<this org>.question.<id>` (this organization's durable consumer: decode,
check that it is addressed here, store once, commit, then ack); replies leave on `banso.inquiries.<this org>.reply.
<id>` through the outbox."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncSession

from banso.events.v1 import inquiry_pb2
from banso_core.db import Database
from banso_core.messaging import (
    INQUIRIES_STREAM,
    DurableConsumer,
    NatsLink,
    Undeliverable,
    decoded_batch,
    inquiry_questions_of_org,
    inquiry_reply_subject,
)
from banso_core.text import has_control_characters
from org_records.inbox.models import InboxReply
from org_records.inbox.schemas import MAX_BODY_LENGTH
from org_records.org import OrgIdentity


@dataclass(frozen=True)
class IncomingQuestion:
    inquiry_id: str
    goal_ref: str
    asker_org_id: str
    asker_org_name: str
    asker_staff_name: str
    body: str
    asked_at: dt.datetime


def reply_message(org_id: str, reply: InboxReply) -> tuple[str, bytes]:
    """The subject and payload of a 担当者's reply, relayed by the exchange to the asking organization."""
    message = inquiry_pb2.InquiryReply(
        org_id=org_id,
        inquiry_id=reply.inquiry_id,
        reply_id=reply.id,
        author_name=reply.author_name,
        body=reply.body,
    )
    message.replied_at.FromDatetime(reply.replied_at)
    return inquiry_reply_subject(org_id, reply.inquiry_id), message.SerializeToString()


class UndeliverableQuestion(Undeliverable):
    """A message no retry can make valid; it goes to the dead-letter stream with this reason."""


def decode_question(subject: str, data: bytes, org_id: str) -> IncomingQuestion:
    parts = subject.split(".")
    if len(parts) != 5 or parts[:2] != ["banso", "inquiries"] or parts[3] != "question":
        raise UndeliverableQuestion(f"not a question subject: {subject!r}")
    try:
        question = inquiry_pb2.InquiryQuestion.FromString(data)
    except DecodeError as error:
        raise UndeliverableQuestion(f"not a banso.events.v1.InquiryQuestion: {error}") from error
    if question.org_id != org_id or parts[2] != org_id:
        raise UndeliverableQuestion(f"addressed to {question.org_id!r} on {subject!r}, not to {org_id!r}")
    if not question.inquiry_id or question.inquiry_id != parts[4] or len(question.inquiry_id) > 32:
        raise UndeliverableQuestion(f"inquiry_id {question.inquiry_id!r} differs from subject {subject!r}")
    for field, value in question.ListFields():
        if isinstance(value, str) and has_control_characters(value):
            raise UndeliverableQuestion(f"{field.name} contains control characters")
    if not question.body.strip() or len(question.body) > MAX_BODY_LENGTH:
        raise UndeliverableQuestion(f"body empty or longer than {MAX_BODY_LENGTH} characters")
    try:
        asked_at = question.asked_at.ToDatetime(tzinfo=dt.UTC)
    except (ValueError, OverflowError) as error:
        raise UndeliverableQuestion(f"asked_at is not a valid timestamp: {error}") from error
    return IncomingQuestion(
        inquiry_id=question.inquiry_id,
        goal_ref=question.goal_ref[:64],
        asker_org_id=question.asker_org_id[:64],
        asker_org_name=question.asker_org_name[:200],
        asker_staff_name=question.asker_staff_name[:100],
        body=question.body,
        asked_at=asked_at,
    )


class InquiryQuestionConsumer(DurableConsumer):
    """The organization's own durable consumer (`inquiries-<org>`) of the questions the exchange relays to it."""

    def __init__(
        self,
        database: Database,
        nats: NatsLink,
        org: OrgIdentity,
        receive: Callable[[AsyncSession, Sequence[IncomingQuestion], OrgIdentity], Awaitable[None]],
    ) -> None:
        self.org = org
        self.receive = receive
        """Stores the batch's questions (`InboxService.receive`)."""
        super().__init__(
            database,
            nats,
            stream=INQUIRIES_STREAM,
            durable=f"inquiries-{org.org_id}",
            filter_subject=inquiry_questions_of_org(org.org_id),
            batch_size=64,
        )

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        js = await self.nats.jetstream()
        decode = functools.partial(decode_question, org_id=self.org.org_id)
        async with decoded_batch(js, msgs, decode, "inbox.consume") as decoded:
            async with self.database.session() as session:
                await self.receive(session, [question for _, question in decoded], self.org)
                await session.commit()
        for msg in msgs:
            await msg.ack()
