"""Crashes mid-flow lose nothing and duplicate nothing: org-records killed (-9) while its relay publishes a batch,
the exchange killed while it applies one, and a node of a 3-node JetStream cluster killed while goals flow through
an R3 stream. Each test counts and compares content at the end."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import nats
import pytest

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import (
    DEAD_LETTERS_STREAM,
    GOALS_STREAM,
    INQUIRIES_STREAM,
    MSG_ID_HEADER,
    NOTICES_STREAM,
    OUTCOMES_STREAM,
    goal_subject,
    nats_server_binary,
)
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, signed_in_client
from banso_core.testing.servers import NatsServer, ServiceProcess, eventually, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.federation]

BUSINESS = {
    "name": "株式会社能登クラッシュ試験",
    "business_form": "corporation",
    "jsic_major": "M",
    "jsic_middle": "75",
    "employees": 12,
    "sharing_consent": True,
}


@pytest.fixture
def processes() -> Iterator[list[ServiceProcess]]:
    started: list[ServiceProcess] = []
    yield started
    for process in started:
        process.stop()


def org_records_process(tmp_path: Path, nats_url: str, database_url: str) -> ServiceProcess:
    port = free_port()
    env = {
        "ORG_RECORDS_ORG_ID": "noto-society",
        "ORG_RECORDS_ORG_NAME": "能登商工会",
        "ORG_RECORDS_DATABASE_URL": database_url,
        "ORG_RECORDS_NATS_URL": nats_url,
        "ORG_RECORDS_HTTP_PORT": str(port),
        "ORG_RECORDS_GRPC_PORT": "0",
        "ORG_RECORDS_SHARING_SECRET": "crash-test-secret",
        "ORG_RECORDS_K_ANONYMITY": "1",
        "ORG_RECORDS_SIGNING_KEY_PATH": str(tmp_path / "signing.pem"),
        "ORG_RECORDS_BOOTSTRAP_ADMIN_LOGIN": TEST_ADMIN_LOGIN,
        "ORG_RECORDS_BOOTSTRAP_ADMIN_PASSWORD": TEST_ADMIN_PASSWORD,
        "ORG_RECORDS_PASSWORD_COST": "test",
        "ORG_RECORDS_LOG_FORMAT": "text",
    }
    return ServiceProcess("org_records", env, port, tmp_path / "org-records.log")


async def write_goals(url: str, count: int) -> list[str]:
    """`count` goals of one consenting business through the REST API; their texts."""
    texts = [f"クラッシュ試験の目標その{number}：販路開拓" for number in range(count)]
    async with signed_in_client(url) as client:
        business = await client.post("/api/v1/businesses", json=BUSINESS)
        assert business.status_code == 201, business.text
        path = f"/api/v1/businesses/{business.json()['id']}/goals"
        semaphore = asyncio.Semaphore(8)

        async def write(text: str) -> None:
            async with semaphore:
                body = {"set_on": "2026-05-01", "category": "sales_channel", "text": text}
                response = await client.post(path, json=body)
                assert response.status_code == 201, response.text

        await asyncio.gather(*(write(text) for text in texts))
    return texts


async def goal_messages(nats_url: str) -> list[goal_summary_pb2.GoalSummary]:
    """Every message of the goals stream, in order."""
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        info = await js.stream_info(GOALS_STREAM.name)
        found: list[goal_summary_pb2.GoalSummary] = []
        if not info.state.messages:
            return found
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            with contextlib.suppress(nats.js.errors.NotFoundError):
                stored = await js.get_msg(GOALS_STREAM.name, sequence)
                found.append(goal_summary_pb2.GoalSummary.FromString(stored.data))
        return found
    finally:
        await client.close()


def unsent_goal_rows(database: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(database, timeout=10)) as connection:
        query = "SELECT count(*) FROM outbox_message WHERE sent_at IS NULL AND subject LIKE 'banso.goals.%'"
        return int(connection.execute(query).fetchone()[0])


async def test_org_records_killed_while_its_relay_publishes_loses_and_repeats_nothing(
    tmp_path, nats_server: NatsServer, processes
):
    database_url = f"sqlite:///{tmp_path / 'org-records.db'}"
    org_records = org_records_process(tmp_path, nats_server.url, database_url)
    processes.append(org_records)
    await org_records.start()
    nats_server.stop()  # the goals queue up in the outbox: one big batch once the broker is back
    texts = await write_goals(org_records.url, 300)

    watcher_started = asyncio.Event()

    async def kill_at_the_first_message() -> None:
        client = await nats.connect(nats_server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.05)
        seen = asyncio.Event()

        async def on_message(_: Any) -> None:
            if not seen.is_set():
                seen.set()
                org_records.kill()

        await client.subscribe("banso.goals.>", cb=on_message)
        watcher_started.set()
        await asyncio.wait_for(seen.wait(), timeout=30)
        await client.close()

    nats_server.start()
    watcher = asyncio.create_task(kill_at_the_first_message())
    await asyncio.wait_for(watcher_started.wait(), timeout=10)
    await watcher
    assert org_records.process is not None and org_records.process.returncode == -signal.SIGKILL
    published_before_restart = len(await goal_messages(nats_server.url))
    unmarked = unsent_goal_rows(tmp_path / "org-records.db")
    assert unmarked > 0, "the kill came after the batch was marked sent: the test proves nothing"

    await org_records.start()  # the same database: the unmarked rows are published again, same Nats-Msg-Id

    async def all_arrived() -> bool:
        return len(await goal_messages(nats_server.url)) >= len(texts)

    await eventually(all_arrived, timeout=60, what="every goal in the stream after the restart")
    await asyncio.sleep(1.5)  # a republished duplicate would land within the relay's next rounds
    messages = await goal_messages(nats_server.url)
    assert len(messages) == len(texts), "a goal was published twice (or lost)"
    assert sorted(message.text for message in messages) == sorted(texts)
    assert len({message.goal_ref for message in messages}) == len(texts)
    # Rows published before the kill but never marked were published again and dropped by the duplicate window.
    assert published_before_restart + unmarked >= len(texts)


def exchange_process(tmp_path: Path, nats_url: str, batch_size: int) -> ServiceProcess:
    port = free_port()
    env = {
        "EXCHANGE_DATABASE_URL": f"sqlite:///{tmp_path / 'exchange.db'}",
        "EXCHANGE_NATS_URL": nats_url,
        "EXCHANGE_HTTP_PORT": str(port),
        "EXCHANGE_GRPC_PORT": "0",
        "EXCHANGE_CONSUMER_BATCH_SIZE": str(batch_size),
        "EXCHANGE_LOG_FORMAT": "text",
    }
    return ServiceProcess("exchange", env, port, tmp_path / "exchange.log")


def stored_goals(database: Path) -> dict[str, str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(database, timeout=10)) as connection:
        try:
            return dict(connection.execute("SELECT goal_ref, text FROM shared_goal WHERE NOT withdrawn").fetchall())
        except sqlite3.OperationalError:  # before the first migration
            return {}


async def test_exchange_killed_mid_batch_ends_with_every_goal_once(tmp_path, nats_server: NatsServer, processes):
    published: dict[str, str] = {}
    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await js.add_stream(GOALS_STREAM.config())
    for number in range(3000):
        summary = goal_summary_pb2.GoalSummary(
            goal_ref=f"crash{number:05d}",
            op=goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
            version=1,
            org_id="kanazawa-cci",
            org_name="金沢商工会議所",
            staff_name="担当",
            category="sales_channel",
            jsic_major="M",
            text=f"販路開拓その{number}",
        )
        summary.updated_at.GetCurrentTime()
        published[summary.goal_ref] = summary.text
        await js.publish(
            goal_subject(summary.org_id, summary.goal_ref),
            summary.SerializeToString(),
            headers={MSG_ID_HEADER: uuid.uuid4().hex},
        )
    await client.close()

    exchange = exchange_process(tmp_path, nats_server.url, batch_size=200)
    processes.append(exchange)
    await exchange.start()
    database = tmp_path / "exchange.db"

    async def some_applied() -> bool:
        return len(stored_goals(database)) > 0

    await eventually(some_applied, timeout=60, what="the first batch in the exchange")
    exchange.kill()
    at_kill = len(stored_goals(database))
    assert at_kill < len(published), "the kill came after every batch: the test proves nothing"

    await exchange.start()

    async def all_applied() -> bool:
        return len(stored_goals(database)) == len(published)

    await eventually(all_applied, timeout=120, what="every goal in the exchange after the restart")
    assert stored_goals(database) == published


CLUSTER_NODE_CONFIG = Path(__file__).parents[1] / "deploy" / "nats-cluster" / "hub-node.conf"
HUB_STREAMS = (GOALS_STREAM, OUTCOMES_STREAM, INQUIRIES_STREAM, NOTICES_STREAM, DEAD_LETTERS_STREAM)
"""Every stream org-records uses, replicated on all three nodes as a hub cluster keeps them (an R1 stream on the
killed node would stall whoever needs it)."""


class ClusterNode:
    def __init__(self, name: str, store: Path, client_port: int, route_port: int, routes: list[int]) -> None:
        self.name, self.store, self.client_port, self.route_port, self.routes = (
            name, store, client_port, route_port, routes,
        )  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    def start(self) -> None:
        """With the deployment's own node configuration, the environment naming this node."""
        self.store.mkdir(parents=True, exist_ok=True)
        environment = (
            os.environ
            | {
                "NATS_HOST": "127.0.0.1",
                "NATS_NODE_NAME": self.name,
                "NATS_CLIENT_PORT": str(self.client_port),
                "NATS_CLUSTER_PORT": str(self.route_port),
                "NATS_STORE_DIR": str(self.store),
            }
            | {f"NATS_ROUTE_{n + 1}": f"nats://127.0.0.1:{port}" for n, port in enumerate(self.routes)}
        )
        with (self.store / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [nats_server_binary(), "-c", str(CLUSTER_NODE_CONFIG)],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[list[ClusterNode]]:
    route_ports = [free_port() for _ in range(3)]
    nodes = [
        ClusterNode(f"hub-{n}", tmp_path / f"hub-{n}", free_port(), route_ports[n], [p for p in route_ports])
        for n in range(3)
    ]
    for node in nodes:
        node.start()

    async def r3_stream_made() -> bool:
        try:
            client = await nats.connect(nodes[0].url, connect_timeout=1, max_reconnect_attempts=0)
        except Exception:
            return False
        try:
            for spec in HUB_STREAMS:
                await client.jetstream().add_stream(dataclasses.replace(spec.config(), num_replicas=3))
            return True
        except Exception:  # the meta group has no leader yet
            return False
        finally:
            await client.close()

    try:
        await eventually(r3_stream_made, timeout=30, what="a 3-node JetStream cluster with R3 streams")
        yield nodes
    finally:  # the nodes go even when the cluster never formed
        for node in nodes:
            node.kill()


async def test_a_cluster_node_killed_mid_flow_loses_and_repeats_nothing(
    tmp_path, cluster: list[ClusterNode], processes
):
    first, second, third = cluster
    servers = ",".join(node.url for node in cluster)
    org_records = org_records_process(tmp_path, servers, f"sqlite:///{tmp_path / 'org-records.db'}")
    processes.append(org_records)
    await org_records.start()

    writing = asyncio.create_task(write_goals(org_records.url, 200))

    async def some_published() -> bool:
        return len(await goal_messages(second.url)) >= 20

    await eventually(some_published, timeout=60, what="the first goals in the R3 stream")
    first.kill()
    texts = await writing

    async def all_arrived() -> bool:
        try:
            return len(await goal_messages(third.url)) >= len(texts)
        except nats.errors.Error:  # the stream's leader was on the killed node: a new one is being elected
            return False

    await eventually(all_arrived, timeout=60, what="every goal in the stream with one node down")
    await asyncio.sleep(1.5)
    for node in (second, third):
        messages = await goal_messages(node.url)
        assert len(messages) == len(texts), "a goal was published twice (or lost)"
        assert sorted(message.text for message in messages) == sorted(texts)
