"""The exchange on real servers: a nats-server, a fresh database, uvicorn on loopback, a gRPC port.

Fixtures:
- `exchange` — a started exchange; `start_exchange` starts (another) instance on the same database and broker.
- `wire` — publishes hand-built `banso.events.v1.GoalSummary` bytes to JetStream and reads the dead letters.
- `store` — the exchange's database opened beside it: look at `shared_goal` rows, or seed through the service.
- `registry` — the federation registry the exchange trusts (kanazawa-cci, nanao-cci: cci; ishikawa-shokoren:
  federation); it issues the staff tokens the `Exchange` client sends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import nats
import pytest
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from sqlalchemy import func, select

from banso.events.v1 import goal_summary_pb2
from banso_core.db import Database
from banso_core.messaging import DEAD_LETTERS_STREAM, GOALS_STREAM, MSG_ID_HEADER, ensure_stream, goal_subject
from banso_core.testing.auth import TestRegistry
from banso_core.testing.servers import NatsServer, ServedApp, app_starter, eventually
from exchange.app import create_app
from exchange.config import ExchangeSettings
from exchange.db import MIGRATIONS
from exchange.goal_summary.models import SharedGoal
from exchange.goal_summary.service import IncomingSummary, goal_summary_service

UPDATED_AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
UPSERT = goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT
DELETE = goal_summary_pb2.GOAL_SUMMARY_OP_DELETE

_refs = itertools.count(1)


def _summary_fields() -> dict[str, Any]:
    return {
        "org_name": "金沢商工会議所",
        "staff_name": "北村 担当",
        "staff_handle": "h-kitamura",
        "business_form": "corporation",
        "jsic_major": "M",
        "jsic_middle": "75",
        "employee_band": "6-20",
        "category": "new_product",
        "text": "サウナ棟付のキャンプ場新設",
        "status": "in_progress",
    }


@dataclass
class Exchange:
    """A running exchange and the ways a test talks to it."""

    served: ServedApp
    settings: ExchangeSettings
    headers: dict[str, str]
    """Authorization of a member organization's advisor, sent with every call unless told otherwise."""

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.served.app.state.grpc_port}"

    @property
    def grpc_metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", self.headers["Authorization"]),)

    async def stop(self, within: float = 5.0) -> None:
        """Stop as an operator would (SIGTERM-like); a stop that does not finish `within` seconds is a failure."""
        stopping = asyncio.create_task(self.served.stop())
        done, _ = await asyncio.wait({stopping}, timeout=within)
        assert done, f"the exchange did not stop within {within} s: its lifespan shutdown is stuck"
        stopping.result()

    async def get(self, path: str, *, headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.served.url, timeout=60) as client:
            return await client.get(path, params=params, headers=self.headers if headers is None else headers)

    async def search(self, **params: Any) -> dict[str, Any]:
        response = await self.get("/api/v1/goals/search", **params)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def refs(self, **params: Any) -> list[str]:
        """The goal_refs a search lists, in order (limit 100 unless given)."""
        return [item["goal_ref"] for item in (await self.search(**{"limit": 100} | params))["items"]]


@dataclass
class Wire:
    """JetStream as an organization's relay sees it."""

    js: JetStreamContext

    @staticmethod
    def new_ref() -> str:
        return f"g{next(_refs):04d}{uuid.uuid4().hex[:12]}"

    @staticmethod
    def summary(
        goal_ref: str,
        *,
        org_id: str = "kanazawa-cci",
        version: int = 1,
        op: int = UPSERT,
        updated_at: dt.datetime = UPDATED_AT,
        set_on: str = "2026-05-01",
        **fields: Any,
    ) -> goal_summary_pb2.GoalSummary:
        """A summary as a relay would publish it; `fields` override the defaults."""
        message = goal_summary_pb2.GoalSummary(
            goal_ref=goal_ref,
            org_id=org_id,
            version=version,
            op=op,  # type: ignore[arg-type]
            set_on=set_on,
            **(_summary_fields() | fields),
        )
        message.updated_at.FromDatetime(updated_at)
        return message

    @staticmethod
    def tombstone(goal_ref: str, *, org_id: str = "kanazawa-cci", version: int = 1) -> goal_summary_pb2.GoalSummary:
        """What a relay publishes when a goal stops being shared: key, version and op only."""
        message = goal_summary_pb2.GoalSummary(goal_ref=goal_ref, org_id=org_id, version=version, op=DELETE)
        message.updated_at.FromDatetime(UPDATED_AT)
        return message

    async def publish(
        self,
        summary: goal_summary_pb2.GoalSummary | bytes,
        *,
        subject: str | None = None,
        msg_id: str | None = None,
    ) -> None:
        """On `banso.goals.<org>.<goal_ref>` (or `subject`), with a fresh Nats-Msg-Id unless one is given."""
        if isinstance(summary, bytes):
            assert subject is not None, "raw bytes need an explicit subject"
            data = summary
        else:
            data = summary.SerializeToString()
            subject = subject or goal_subject(summary.org_id, summary.goal_ref)
        ack = await self.js.publish(subject, data, headers={MSG_ID_HEADER: msg_id or uuid.uuid4().hex})
        assert not ack.duplicate, "the test meant a new message; JetStream saw a repeated Nats-Msg-Id"

    async def delivered(self, durable: str = "exchange") -> int:
        """The last stream sequence JetStream has delivered to the exchange (0 before it subscribes)."""
        try:
            return int((await self.js.consumer_info(GOALS_STREAM.name, durable)).delivered.stream_seq)
        except nats.js.errors.NotFoundError:
            return 0

    async def settled(self, durable: str = "exchange", within: float = 10.0) -> None:
        """Wait until the exchange has acknowledged — so committed — everything on the goals stream."""

        async def acknowledged_all() -> bool:
            last = (await self.js.stream_info(GOALS_STREAM.name)).state.last_seq
            try:
                consumer = await self.js.consumer_info(GOALS_STREAM.name, durable)
            except nats.js.errors.NotFoundError:
                return False
            return consumer.ack_floor.stream_seq >= last and not consumer.num_ack_pending

        await eventually(acknowledged_all, timeout=within, what="the exchange to acknowledge the goals stream")

    async def dead_letters(self) -> list[Msg]:
        """Everything parked on BANSO_DEAD_LETTERS so far (none while the stream does not exist).

        Read through a consumer rather than `get_msg`, whose header parser mangles non-ASCII reasons.
        """
        try:
            parked = (await self.js.stream_info(DEAD_LETTERS_STREAM.name)).state.messages
        except nats.js.errors.NotFoundError:
            return []
        if not parked:
            return []
        reader = await self.js.pull_subscribe("banso.dead.>", stream=DEAD_LETTERS_STREAM.name)
        try:
            return await reader.fetch(parked, timeout=5)
        finally:
            await reader.unsubscribe()


@dataclass
class Store:
    """The exchange's own database, opened beside the running service."""

    database: Database

    async def rows(self) -> list[SharedGoal]:
        async with self.database.session() as session:
            query = select(SharedGoal).order_by(SharedGoal.org_id, SharedGoal.goal_ref)
            return list((await session.scalars(query)).all())

    async def row(self, goal_ref: str, org_id: str = "kanazawa-cci") -> SharedGoal | None:
        async with self.database.session() as session:
            return await session.get(SharedGoal, (org_id, goal_ref))

    async def count(self) -> int:
        async with self.database.session() as session:
            return int(await session.scalar(select(func.count()).select_from(SharedGoal)) or 0)

    async def table_exists(self) -> bool:
        async with self.database.engine.connect() as connection:
            return await connection.run_sync(lambda sync: sync.dialect.has_table(sync, SharedGoal.__tablename__))

    @staticmethod
    def incoming(goal_ref: str, *, org_id: str = "kanazawa-cci", version: int = 1, **fields: Any) -> IncomingSummary:
        """A summary as the consumer hands it to the service layer (decoded, checked against its subject)."""
        values: dict[str, Any] = _summary_fields() | {
            "withdrawn": False,
            "updated_at": UPDATED_AT,
            "set_on": dt.date(2026, 5, 1),
        }
        return IncomingSummary(org_id=org_id, goal_ref=goal_ref, version=version, **(values | fields))

    async def ingest(self, summaries: Sequence[IncomingSummary]) -> None:
        """Through the service layer, committed once at the edge as the consumer does."""
        async with self.database.session() as session:
            await goal_summary_service.ingest(session, summaries)
            await session.commit()


@pytest.fixture
def registry(tmp_path) -> TestRegistry:
    registry = TestRegistry(tmp_path / "federation.json")
    registry.add("kanazawa-cci", "cci")
    registry.add("nanao-cci", "cci")
    registry.add("ishikawa-shokoren", "federation")
    return registry


@pytest.fixture
async def exchange_settings(nats_server: NatsServer, database_url: str, registry: TestRegistry) -> ExchangeSettings:
    return ExchangeSettings(
        database_url=database_url, nats_url=nats_server.url, grpc_port=0, federation_registry=registry.path
    )


@pytest.fixture
async def start_exchange(
    exchange_settings: ExchangeSettings, registry: TestRegistry
) -> AsyncIterator[Callable[..., Awaitable[Exchange]]]:
    """Starts a new exchange app instance on the test's database and broker; stops whatever still runs."""
    async with app_starter(
        create_app,
        exchange_settings,
        lambda served, settings: Exchange(served=served, settings=settings, headers=registry.headers("nanao-cci")),
    ) as start:
        yield start


@pytest.fixture
async def exchange(start_exchange: Callable[..., Awaitable[Exchange]]) -> Exchange:
    return await start_exchange()


@pytest.fixture
async def wire(nats_server: NatsServer) -> AsyncIterator[Wire]:
    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await ensure_stream(js, GOALS_STREAM)
    try:
        yield Wire(js)
    finally:
        await client.close()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        yield Store(database)
    finally:
        await database.close()
