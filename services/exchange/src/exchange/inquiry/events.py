"""Relaying 問い合わせ over `BANSO_INQUIRIES`.

Questions leave through a transactional outbox: the question row commits with its thread, unpublished, and the
relay publishes it to `banso.inquiries.<owning org>.question.<id>` and marks it only after JetStream's ack. A crash
between the two publishes it again with the same `Nats-Msg-Id`, which the stream's duplicate window drops (and
the owning organization stores by inquiry id anyway). Publishing in the request instead would lose a question
whenever the broker is away at that moment, or the process stops between commit and publish.

Replies arrive on `banso.inquiries.<owning org>.reply.<id>`: the organization of the subject must be the payload's
and the thread's owner, else the reply is dead-lettered; a redelivered reply is stored once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg

from banso.events.v1 import inquiry_pb2
from banso_core.db import Database
from banso_core.messaging import (
    INQUIRIES_STREAM,
    INQUIRY_REPLIES,
    MSG_ID_HEADER,
    DurableConsumer,
    NatsLink,
    dead_letter,
    ensure_stream,
    inquiry_question_subject,
)
from banso_core.text import has_control_characters
from banso_core.wakeup import Wakeup
from exchange.inquiry.models import Inquiry, InquiryMessage
from exchange.inquiry.repository import QUESTIONS_RELAY
from exchange.inquiry.schemas import MAX_BODY_LENGTH
from exchange.inquiry.service import IncomingReply, UnroutableReply, inquiry_service

log = logging.getLogger(__name__)


def encode_question(question: InquiryMessage, inquiry: Inquiry) -> bytes:
    message = inquiry_pb2.InquiryQuestion(
        org_id=inquiry.owner_org_id,
        inquiry_id=inquiry.id,
        goal_ref=inquiry.goal_ref,
        asker_org_id=inquiry.asker_org_id,
        asker_org_name=inquiry.asker_org_name,
        asker_staff_name=question.author_name,
        body=question.body,
    )
    message.asked_at.FromDatetime(question.written_at)
    return message.SerializeToString()


class InquiryRelay:
    """Publishes committed questions, then marks them published."""

    def __init__(self, database: Database, nats: NatsLink, poll_seconds: float = 1.0, batch_size: int = 200) -> None:
        self.database = database
        self.nats = nats
        self.batch_size = batch_size
        self.wakeup = Wakeup(database, QUESTIONS_RELAY, poll_seconds)

    def stop(self) -> None:
        self.wakeup.stop()

    async def run(self) -> None:
        while not self.wakeup.stopping:
            try:
                await ensure_stream(await self.nats.jetstream(), INQUIRIES_STREAM)
                while not self.wakeup.stopping:
                    self.wakeup.start_round()
                    if await self.relay_once() < self.batch_size:
                        await self.wakeup.wait()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("inquiry relay paused (%s); retrying", error)
                await asyncio.sleep(0.5)

    async def relay_once(self) -> int:
        async with self.database.session(read_only=True) as session:
            pending = await inquiry_service.unpublished_questions(session, self.batch_size)
        if not pending:
            return 0
        js = await self.nats.jetstream()
        for question, inquiry in pending:
            await js.publish(
                inquiry_question_subject(inquiry.owner_org_id, inquiry.id),
                encode_question(question, inquiry),
                headers={MSG_ID_HEADER: f"inquiry-{question.id}"},
                timeout=5,
            )
        async with self.database.session() as session:
            await inquiry_service.mark_published(session, [question.id for question, _ in pending])
            await session.commit()
        return len(pending)


def decode_reply(subject: str, data: bytes) -> IncomingReply:
    """A reply of `banso.inquiries.<org>.reply.<inquiry id>`, its subject checked against its payload."""
    parts = subject.split(".")
    if len(parts) != 5 or parts[:2] != ["banso", "inquiries"] or parts[3] != "reply":
        raise UnroutableReply(f"not a reply subject: {subject!r}")
    try:
        reply = inquiry_pb2.InquiryReply.FromString(data)
    except DecodeError as error:
        raise UnroutableReply(f"not a banso.events.v1.InquiryReply: {error}") from error
    if reply.org_id != parts[2] or reply.inquiry_id != parts[4]:
        raise UnroutableReply(f"payload {reply.org_id!r}/{reply.inquiry_id!r} differs from subject {subject!r}")
    for field, value in reply.ListFields():
        if isinstance(value, str) and has_control_characters(value):
            raise UnroutableReply(f"{field.name} contains control characters")
    if not reply.reply_id or len(reply.reply_id) > 64:
        raise UnroutableReply("reply_id missing or longer than 64 characters")
    if not reply.body.strip() or len(reply.body) > MAX_BODY_LENGTH:
        raise UnroutableReply(f"body empty or longer than {MAX_BODY_LENGTH} characters")
    try:
        replied_at = reply.replied_at.ToDatetime(tzinfo=dt.UTC)
    except (ValueError, OverflowError) as error:
        raise UnroutableReply(f"replied_at is not a valid timestamp: {error}") from error
    return IncomingReply(
        org_id=reply.org_id,
        inquiry_id=reply.inquiry_id,
        reply_id=reply.reply_id,
        author_name=reply.author_name[:100],
        body=reply.body,
        replied_at=replied_at,
    )


class InquiryReplyConsumer(DurableConsumer):
    """Every organization's replies, appended to their threads."""

    def __init__(self, database: Database, nats: NatsLink, durable: str) -> None:
        super().__init__(
            database, nats, stream=INQUIRIES_STREAM, durable=durable, filter_subject=INQUIRY_REPLIES, batch_size=128
        )

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        refused: list[tuple[Msg, str]] = []
        async with self.database.session() as session:
            for msg in msgs:
                try:
                    await inquiry_service.add_reply(session, decode_reply(msg.subject, msg.data))
                except UnroutableReply as error:
                    refused.append((msg, str(error)))
            await session.commit()
        js = await self.nats.jetstream()
        for msg, reason in refused:
            log.warning("dead-lettering %s: %s", msg.subject, reason)
            await dead_letter(js, msg, reason)
        for msg in msgs:
            await msg.ack()
