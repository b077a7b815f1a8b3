"""A durable consumer of one stream: decode, check the organization, apply, commit, ack, then purge what a tombstone
withdrew (as the exchange does), so that a rebuild from the stream sees only the tombstone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.newest import Incoming
from banso_core.db import Database
from banso_core.messaging import (
    DurableConsumer,
    NatsLink,
    StreamSpec,
    Undeliverable,
    decoded_batch,
    org_of_subject,
    purge_all_but_newest,
)
from banso_core.text import has_control_characters

MAX_REF_LENGTH = 64
MAX_VERSION = 2**63 - 1


def check_publisher(subject: str, org_id: str) -> None:
    """The payload's organization is present, sane, and the one whose subject it was published on."""
    if not org_id or len(org_id) > MAX_REF_LENGTH or has_control_characters(org_id):
        raise Undeliverable("org_id missing, longer than 64 characters or with control characters")
    if org_id != org_of_subject(subject):
        raise Undeliverable(f"payload org {org_id!r} differs from subject {subject!r}")


def check_ref(name: str, value: str) -> None:
    if not value or len(value) > MAX_REF_LENGTH:
        raise Undeliverable(f"{name} missing or too long")


def version_and_time(version: int, updated_at: Timestamp) -> dt.datetime:
    """The ordering fields every event carries, checked: a version in 1..2^63-1 and a valid timestamp."""
    if not 0 < version <= MAX_VERSION:
        raise Undeliverable(f"version must be between 1 and {MAX_VERSION}")
    try:
        return updated_at.ToDatetime(tzinfo=dt.UTC)
    except (ValueError, OverflowError) as error:
        raise Undeliverable(f"updated_at is not a valid timestamp: {error}") from error


def is_withdrawal(op: int, upsert: int, delete: int) -> bool:
    if op == delete:
        return True
    if op == upsert:
        return False
    raise Undeliverable(f"unknown op {op}")


@dataclass(frozen=True)
class Feed:
    """What one stream carries and how analytics applies it."""

    stream: StreamSpec
    filter_subject: str
    decode: Callable[[str, bytes], Incoming]
    ingest: Callable[[AsyncSession, Sequence[Incoming]], Awaitable[None]]


class StreamConsumer(DurableConsumer):
    def __init__(self, database: Database, nats: NatsLink, feed: Feed, durable: str, batch_size: int) -> None:
        self.feed = feed
        super().__init__(
            database,
            nats,
            stream=feed.stream,
            durable=durable,
            filter_subject=feed.filter_subject,
            batch_size=batch_size,
        )

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        js = await self.nats.jetstream()
        async with decoded_batch(js, msgs, self.feed.decode, "analytics.consume") as decoded:
            async with self.database.session() as session:
                await self.feed.ingest(session, [incoming for _, incoming in decoded])
                await session.commit()
        for msg in msgs:
            await msg.ack()
        # Only after the commit: analytics no longer counts them, and now the stream no longer holds them.
        for subject in {msg.subject for msg, incoming in decoded if incoming.withdrawn}:
            await purge_all_but_newest(js, self.feed.stream, subject)
