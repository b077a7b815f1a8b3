"""The pull consumer on a real nats-server: poison messages are dead-lettered alone, outages are waited out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import nats
from nats.aio.msg import Msg
from nats.js.api import StreamSource
from sqlalchemy.exc import OperationalError

from banso_core.messaging import (
    DEAD_LETTER_REASON_HEADER,
    DEAD_LETTERS_STREAM,
    NatsLink,
    PullConsumer,
    StreamSpec,
    ensure_stream,
)
from banso_core.testing.servers import eventually

STREAM = StreamSpec("TEST_EVENTS", ["test.events.>"])


async def _run_consumer(nats_url: str, handle_batch, **options) -> tuple[NatsLink, asyncio.Task[None]]:
    link = NatsLink(nats_url, "test-consumer")
    await link.start()
    consumer = PullConsumer(link, STREAM, "test", "test.events.>", handle_batch, fetch_timeout=0.2, **options)
    return link, asyncio.create_task(consumer.run())


async def _stop(link: NatsLink, task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await link.close()


async def _publish(nats_url: str, payloads: Sequence[bytes]) -> None:
    broker = await nats.connect(nats_url)
    js = broker.jetstream()
    await ensure_stream(js, STREAM)
    for number, payload in enumerate(payloads):
        await js.publish(f"test.events.{number}", payload)
    await broker.close()


async def _dead_letters(nats_url: str) -> list[Msg]:
    broker = await nats.connect(nats_url)
    js = broker.jetstream()
    await ensure_stream(js, DEAD_LETTERS_STREAM)
    info = await js.stream_info(DEAD_LETTERS_STREAM.name)
    letters = [await js.get_msg(DEAD_LETTERS_STREAM.name, seq) for seq in range(1, info.state.messages + 1)]
    await broker.close()
    return letters


async def test_one_poison_message_is_dead_lettered_and_the_rest_applied(nats_server):
    applied: list[bytes] = []

    async def handle(msgs: Sequence[Msg]) -> None:
        if any(msg.data == b"poison" for msg in msgs):
            raise ValueError("cannot apply poison")
        applied.extend(msg.data for msg in msgs)
        for msg in msgs:
            await msg.ack()

    await _publish(nats_server.url, [b"a", b"b", b"poison", b"c", b"d"])
    link, task = await _run_consumer(nats_server.url, handle, max_deliveries=3)
    try:
        await eventually(lambda: _true(sorted(applied) == [b"a", b"b", b"c", b"d"]), what="the good messages")
        letters: list[Msg] = []

        async def dead_lettered() -> bool:
            letters[:] = await _dead_letters(nats_server.url)
            return len(letters) == 1

        await eventually(dead_lettered, what="the poison message in the dead-letter stream")
    finally:
        await _stop(link, task)
    assert letters[0].data == b"poison"
    assert "cannot apply poison" in letters[0].headers[DEAD_LETTER_REASON_HEADER]
    assert letters[0].subject == "banso.dead.test.events.2"


async def test_a_store_that_is_away_delays_but_never_dead_letters(nats_server):
    attempts = 0
    applied: list[bytes] = []

    async def handle(msgs: Sequence[Msg]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 8:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is away"))
        applied.extend(msg.data for msg in msgs)
        for msg in msgs:
            await msg.ack()

    await _publish(nats_server.url, [b"x", b"y"])
    link, task = await _run_consumer(nats_server.url, handle, max_deliveries=2)
    try:
        await eventually(lambda: _true(sorted(applied) == [b"x", b"y"]), timeout=30, what="delivery after the outage")
    finally:
        await _stop(link, task)
    assert attempts > 8
    assert await _dead_letters(nats_server.url) == []


async def _true(value: bool) -> bool:
    return value


async def test_a_poison_message_that_came_through_a_sourced_stream_is_dead_lettered(nats_server):
    """A sourced stream (an organization's INBOX at a leaf) stamps `Nats-Stream-Source` on each message; the server
    refuses that header on a publish, so the dead letter must leave it, and the other server headers, behind."""
    sourced = StreamSpec("TEST_SOURCED", [])
    broker = await nats.connect(nats_server.url)
    js = broker.jetstream()
    await ensure_stream(js, STREAM)
    await js.add_stream(name=sourced.name, sources=[StreamSource(name=STREAM.name)])
    await js.publish("test.events.0", b"poison", headers={"traceparent": TRACEPARENT, "Nats-Msg-Id": "poison-0"})
    await broker.close()

    async def handle(msgs: Sequence[Msg]) -> None:
        raise ValueError("cannot apply poison")

    link = NatsLink(nats_server.url, "test-consumer")
    await link.start()
    consumer = PullConsumer(link, sourced, "test", "test.events.>", handle, fetch_timeout=0.2, max_deliveries=2)
    task = asyncio.create_task(consumer.run())
    letters: list[Msg] = []
    try:

        async def dead_lettered() -> bool:
            letters[:] = await _dead_letters(nats_server.url)
            return len(letters) == 1

        await eventually(dead_lettered, what="the sourced poison message in the dead-letter stream")
    finally:
        await _stop(link, task)
    assert letters[0].data == b"poison"
    assert letters[0].headers["traceparent"] == TRACEPARENT
    assert not any(name.startswith("Nats-Stream-Source") for name in letters[0].headers)
    assert "cannot apply poison" in letters[0].headers[DEAD_LETTER_REASON_HEADER]


TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
