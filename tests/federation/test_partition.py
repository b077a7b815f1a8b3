"""Partition: an organization's outbox keeps flowing into its own leaf while its WAN link to the hub is cut, and every
goal reaches the hub services' streams exactly once after the link is back, with nobody doing anything; the same
holds the other way for what the hub sends it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from banso_core.db import Database
from banso_core.messaging import (
    GOALS_STREAM,
    INQUIRIES_STREAM,
    MSG_ID_HEADER,
    NOTICES_STREAM,
    OUTCOMES_STREAM,
    NatsLink,
    goal_subject,
    inquiry_question_subject,
    notice_subject,
)
from banso_core.nats_config import provision_leaf_streams
from banso_core.outbox import OutboxRelay
from banso_core.testing.servers import eventually
from org_records.db import MIGRATIONS
from org_records.outbox.repository import OutboxRepository

pytestmark = [pytest.mark.federation, pytest.mark.postgres]

ORG, OTHER = "kanazawa-cci", "nanao-cci"


async def write_goals(database: Database, first: int, count: int) -> list[str]:
    """Goal summaries as the records service writes them: outbox rows committed with the change."""
    subjects = [goal_subject(ORG, f"goal{number:04d}") for number in range(first, first + count)]
    async with database.session() as session:
        for subject in subjects:
            await OutboxRepository().add(session, subject, f"summary of {subject}".encode())
        await session.commit()
    return subjects


async def outbox_drained(database: Database) -> bool:
    async with database.session() as session:
        return await OutboxRepository().backlog(session) == 0


async def held(client: NatsClient, stream: str) -> list[tuple[str, str, bytes]]:
    """(subject, Nats-Msg-Id, payload) of every message the stream holds, oldest first."""
    js = client.jetstream()
    info = await js.stream_info(stream)
    messages = []
    for sequence in range(info.state.first_seq, info.state.last_seq + 1):
        message = await js.get_msg(stream, sequence)
        messages.append((message.subject, (message.headers or {}).get(MSG_ID_HEADER, ""), message.data or b""))
    return messages


async def test_goals_written_while_the_wan_link_is_cut_arrive_once_after_it_returns(federation, database_url):
    database = await Database.open(database_url, migrations=MIGRATIONS)
    link = NatsLink(federation.leaves[ORG].url, name=f"org-records:{ORG}")
    await link.start()
    relay = OutboxRelay(
        database,
        link,
        OutboxRepository(),
        message_id_prefix=ORG,
        poll_seconds=0.2,
        streams=(GOALS_STREAM, OUTCOMES_STREAM, INQUIRIES_STREAM),
    )
    relay_task = asyncio.create_task(relay.run())
    await eventually(lambda: leaf_has_streams(link), what="the relay to make its streams in the leaf")
    other = await federation.connect_leaf(OTHER)
    await other.jetstream().add_stream(GOALS_STREAM.config())
    await federation.provision()
    exchange = await federation.connect_hub_account("EXCHANGE")
    analytics = await federation.connect_hub_account("ANALYTICS")
    try:
        written = await write_goals(database, 0, 20)

        async def hub_holds(client: NatsClient, count: int) -> bool:
            info = await client.jetstream().stream_info(GOALS_STREAM.name)
            return info.state.messages >= count

        await eventually(lambda: hub_holds(exchange, 20), what="the first goals at the exchange")
        federation.links[ORG].cut()
        written += await write_goals(database, 20, 30)
        # Another organization's goals keep arriving meanwhile.
        for number in range(10):
            await other.jetstream().publish(goal_subject(OTHER, f"goal{number:04d}"), b"nanao")
        for client in (exchange, analytics):
            await eventually(lambda c=client: hub_holds(c, 30), what="the other organization's goals at the hub")
        # The leaf acknowledged them: the records service's outbox is empty although the hub is out of reach.
        await eventually(lambda: outbox_drained(database), what="the outbox to drain into the leaf")
        written += await write_goals(database, 50, 5)
        await eventually(lambda: outbox_drained(database), what="the outbox to drain into the leaf")

        federation.links[ORG].heal()
        written += await write_goals(database, 55, 5)
        for client in (exchange, analytics):
            await eventually(lambda c=client: hub_holds(c, len(written) + 10), timeout=20, what="every goal at the hub")
        await eventually(lambda: _sources_caught_up(exchange), what="the exchange's sources to catch up")
        await eventually(lambda: _sources_caught_up(analytics), what="analytics' sources to catch up")

        expected_ids = {f"{ORG}:{number}" for number in range(1, len(written) + 1)}
        for client in (exchange, analytics):
            messages = [message for message in await held(client, GOALS_STREAM.name) if ORG in message[0]]
            assert len(messages) == len(written) == 60
            assert [subject for subject, _, _ in messages] == written
            assert {message_id for _, message_id, _ in messages} == expected_ids
            assert [payload for _, _, payload in messages] == [f"summary of {s}".encode() for s in written]
            assert (await client.jetstream().stream_info(GOALS_STREAM.name)).state.messages == 70
    finally:
        await relay_stop(relay, relay_task)
        await link.close()
        await other.close()
        await database.close()
        for client in (exchange, analytics):
            if not client.is_closed:
                await client.close()


async def leaf_has_streams(link: NatsLink) -> bool:
    names = await (await link.jetstream()).streams_info()
    return {GOALS_STREAM.name, OUTCOMES_STREAM.name, INQUIRIES_STREAM.name} <= {info.config.name for info in names}


async def _sources_caught_up(client: NatsClient) -> bool:
    info = await client.jetstream().stream_info(GOALS_STREAM.name)
    return all(source.lag == 0 and source.error is None for source in info.sources or [])


async def relay_stop(relay: OutboxRelay[Any], task: asyncio.Task[None]) -> None:
    relay.stop()
    try:
        await asyncio.wait_for(task, 5)
    except TimeoutError:
        task.cancel()


async def test_notices_and_questions_sent_while_the_leaf_is_cut_off_arrive_once_after_it_returns(federation):
    """The other way: the hub services' notices and questions reach the organization's own leaf, which its services
    read, even those sent while its WAN link was down; never another organization's."""
    await federation.provision()
    await provision_leaf_streams(ORG, federation.leaves[ORG].url)
    notices = await federation.connect_hub("notices")
    exchange = await federation.connect_hub("exchange")
    leaf = await federation.connect_leaf(ORG)
    sent: list[str] = []

    async def send(first: int, count: int) -> None:
        for number in range(first, first + count):
            for org_id in (ORG, OTHER):
                notice = notice_subject(org_id, "notice", number)
                await notices.jetstream().publish(notice, f"お知らせ {number}".encode())
                question = inquiry_question_subject(org_id, f"inquiry{number}")
                await exchange.jetstream().publish(question, f"問い合わせ {number}".encode())
                if org_id == ORG:
                    sent.extend([notice, question])

    async def leaf_holds(count: int) -> bool:
        js = leaf.jetstream()
        held = [(await js.stream_info(spec.name)).state.messages for spec in (NOTICES_STREAM, INQUIRIES_STREAM)]
        return sum(held) >= count

    try:
        await send(0, 5)
        await eventually(lambda: leaf_holds(10), what="the first notices and questions at the leaf")
        federation.links[ORG].cut()
        await send(5, 10)
        federation.links[ORG].heal()
        await send(15, 5)
        await eventually(lambda: leaf_holds(len(sent)), timeout=15, what="every notice and question at the leaf")

        arrived = [
            subject for spec in (NOTICES_STREAM, INQUIRIES_STREAM) for subject, _, _ in await held(leaf, spec.name)
        ]
        assert sorted(arrived) == sorted(sent)
        assert len(arrived) == len(set(arrived)) == 40
        assert not any(OTHER in subject for subject in arrived)
    finally:
        for client in (notices, exchange, leaf):
            await client.close()
