"""The transactional outbox every publishing service uses: a row commits with the change it announces, and the
relay publishes committed rows to JetStream and marks them sent only after the ack.

A row published but not yet marked (crash, broker gone) is published again with the same `Nats-Msg-Id`, which
JetStream's duplicate window turns into a no-op. A service keeps its own `outbox_message` table (its metadata,
its migrations) built from `OutboxColumns`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, String, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from banso_core.db import Database, UtcDateTime, utc_now
from banso_core.messaging import MSG_ID_HEADER, NatsLink, StreamSpec, ensure_stream
from banso_core.telemetry import context_from_headers, current_trace_headers
from banso_core.wakeup import Wakeup, wake_after_commit

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

RELAY = "outbox_relay"
"""The relay's round (`banso_core.wakeup`): woken after a commit that wrote an outbox row."""


class OutboxColumns:
    """The columns of a service's `outbox_message` table (mixed into a model of the service's own metadata)."""

    __tablename__ = "outbox_message"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (Index("ix_outbox_message_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    trace_headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


Row = TypeVar("Row", bound=OutboxColumns)


class OutboxRepository(Generic[Row]):
    def __init__(self, model: type[Row]) -> None:
        self.model = model

    async def add(self, session: AsyncSession, subject: str, payload: bytes) -> Row:
        with tracer.start_as_current_span("outbox.write", attributes={"messaging.destination.name": subject}):
            message = self.model()
            message.subject, message.payload, message.trace_headers = subject, payload, current_trace_headers()
            session.add(message)
            await session.flush()
        wake_after_commit(session, RELAY)
        return message

    async def unsent(self, session: AsyncSession, limit: int) -> Sequence[Row]:
        query = select(self.model).where(self.model.sent_at.is_(None)).order_by(self.model.id).limit(limit)
        return (await session.scalars(query)).all()

    async def mark_sent(self, session: AsyncSession, ids: Sequence[int]) -> None:
        await session.execute(update(self.model).where(self.model.id.in_(ids)).values(sent_at=utc_now()))

    async def backlog(self, session: AsyncSession) -> int:
        query = select(func.count()).select_from(self.model).where(self.model.sent_at.is_(None))
        return (await session.scalar(query)) or 0

    async def oldest_unsent_at(self, session: AsyncSession) -> dt.datetime | None:
        query = select(func.min(self.model.created_at)).where(self.model.sent_at.is_(None))
        oldest: dt.datetime | None = await session.scalar(query)
        return oldest


class OutboxRelay(Generic[Row]):
    """Publishes the database's committed outbox rows, in row order, as soon as a commit wrote one (or every
    `poll_seconds`); `message_id_prefix` makes the `Nats-Msg-Id`s of different publishers distinct."""

    def __init__(
        self,
        database: Database,
        nats: NatsLink,
        outbox: OutboxRepository[Row],
        *,
        message_id_prefix: str,
        streams: Sequence[StreamSpec],
        batch_size: int = 500,
        poll_seconds: float = 1.0,
    ) -> None:
        self.database = database
        self.nats = nats
        self.outbox = outbox
        self.message_id_prefix = message_id_prefix
        self.streams = streams
        self.batch_size = batch_size
        self.wakeup = Wakeup(database, RELAY, poll_seconds)

    def stop(self) -> None:
        """Publish the round in hand, mark it sent, and return from `run`."""
        self.wakeup.stop()

    def message_id(self, message: Row) -> str:
        return f"{self.message_id_prefix}:{message.id}"

    async def run(self) -> None:
        while not self.wakeup.stopping:
            try:
                js = await self.nats.jetstream()
                for spec in self.streams:
                    await ensure_stream(js, spec)
                while not self.wakeup.stopping:
                    self.wakeup.start_round()
                    if await self.relay_once() < self.batch_size:
                        await self.wakeup.wait()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("outbox relay of %s paused (%s); retrying", self.message_id_prefix, error)
                await asyncio.sleep(0.25)

    async def relay_once(self) -> int:
        async with self.database.session() as session:
            messages = await self.outbox.unsent(session, self.batch_size)
            await session.commit()
        if not messages:
            return 0
        js = await self.nats.jetstream()

        async def publish(message: Row) -> None:
            with tracer.start_as_current_span(
                "relay.publish",
                context=context_from_headers(message.trace_headers),
                kind=SpanKind.PRODUCER,
                attributes={"messaging.destination.name": message.subject, "messaging.message.id": message.id},
            ):
                headers = {MSG_ID_HEADER: self.message_id(message), **current_trace_headers()}
                await js.publish(message.subject, message.payload, headers=headers, timeout=5)

        # One connection keeps publish order, so concurrent publishes still reach the stream in row order.
        await asyncio.gather(*(publish(message) for message in messages))
        async with self.database.session() as session:
            await self.outbox.mark_sent(session, [message.id for message in messages])
            await session.commit()
        return len(messages)
