"""The relay: publishes committed outbox rows to JetStream and marks them sent only after the ack.

A row published but not yet marked (crash, broker gone) is published again with the same `Nats-Msg-Id`,
which JetStream's duplicate window turns into a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import event
from sqlalchemy.orm import Session

from banso_core.db import Database
from banso_core.messaging import GOALS_STREAM, MSG_ID_HEADER, NatsLink, StreamSpec, ensure_stream
from banso_core.telemetry import context_from_headers, current_trace_headers
from org_records.outbox.models import OutboxMessage
from org_records.outbox.repository import OUTBOX_WRITTEN, OutboxRepository

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

WAKE_RELAY = "wake_relay"


@event.listens_for(Session, "after_commit")
def _wake_relay_after_commit(session: Session) -> None:
    if session.info.pop(OUTBOX_WRITTEN, False) and (wake := session.info.get(WAKE_RELAY)):
        wake()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_outbox(session: Session) -> None:
    session.info.pop(OUTBOX_WRITTEN, None)


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        nats: NatsLink,
        org_id: str,
        *,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        streams: Sequence[StreamSpec] = (GOALS_STREAM,),
    ) -> None:
        self.database = database
        self.nats = nats
        self.org_id = org_id
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.streams = streams
        self.outbox = OutboxRepository()
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        database.sessions.configure(info={WAKE_RELAY: self.wake})

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        """Publish the round in hand, mark it sent, and return from `run`."""
        self._stopping.set()
        self._wakeup.set()

    def message_id(self, message: OutboxMessage) -> str:
        return f"{self.org_id}:{message.id}"

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                js = await self.nats.jetstream()
                for spec in self.streams:
                    await ensure_stream(js, spec)
                while not self._stopping.is_set():
                    self._wakeup.clear()
                    published = await self.relay_once()
                    if published < self.batch_size:
                        try:
                            await asyncio.wait_for(self._wakeup.wait(), timeout=self.poll_seconds)
                        except TimeoutError:
                            pass
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("outbox relay for %s paused (%s); retrying", self.org_id, error)
                await asyncio.sleep(0.25)

    async def relay_once(self) -> int:
        async with self.database.session() as session:
            messages = await self.outbox.unsent(session, self.batch_size)
            await session.commit()
        if not messages:
            return 0
        js = await self.nats.jetstream()

        async def publish(message: OutboxMessage) -> None:
            with tracer.start_as_current_span(
                "relay.publish",
                context=context_from_headers(message.trace_headers),
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.destination.name": message.subject,
                    "messaging.message.id": message.id,
                },
            ):
                headers = {MSG_ID_HEADER: self.message_id(message), **current_trace_headers()}
                await js.publish(message.subject, message.payload, headers=headers, timeout=5)

        # One connection keeps publish order, so concurrent publishes still reach the stream in row order.
        await asyncio.gather(*(publish(message) for message in messages))
        async with self.database.session() as session:
            await self.outbox.mark_sent(session, [message.id for message in messages])
            await session.commit()
        return len(messages)
