"""analytics on real servers: a nats-server, a fresh database, uvicorn on loopback, a gRPC port.

Fixtures:
- `registry` — a federation registry: 石川県 (prefecture), two 商工会議所 and a 商工会, each with a signing key.
- `analytics` — a started analytics trusting that registry; `start_analytics` starts (another) instance.
- `wire` — publishes hand-built OutcomeRecord / GoalSummary bytes to JetStream and reads the dead letters.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from analytics.app import create_app
from analytics.config import AnalyticsSettings
from banso.events.v1 import goal_summary_pb2, outcome_record_pb2
from banso_core.messaging import (
    DEAD_LETTERS_STREAM,
    GOALS_STREAM,
    MSG_ID_HEADER,
    OUTCOMES_STREAM,
    StreamSpec,
    ensure_stream,
    goal_subject,
    outcome_subject,
)
from banso_core.testing.servers import NatsServer, ServedApp, app_starter, eventually
from banso_core.tokens import TokenIssuer, public_key_pem

PREFECTURE = "ishikawa-pref"
KANAZAWA = "kanazawa-cci"
NANAO = "nanao-cci"
HAKUI = "hakui-society"
UPDATED_AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
UPSERT = outcome_record_pb2.OUTCOME_RECORD_OP_UPSERT
DELETE = outcome_record_pb2.OUTCOME_RECORD_OP_DELETE


@dataclass
class Registry:
    """A federation registry file whose organizations sign staff tokens as their records services would."""

    path: Path
    entries: dict[str, tuple[str, str, Ed25519PrivateKey]] = field(default_factory=dict)

    def add(self, org_id: str, name: str, kind: str) -> None:
        self.entries[org_id] = (name, kind, Ed25519PrivateKey.generate())
        organizations = [
            {"id": org, "name": entry[0], "kind": entry[1], "public_key": public_key_pem(entry[2])}
            for org, entry in self.entries.items()
        ]
        self.path.write_text(json.dumps({"organizations": organizations}, ensure_ascii=False), encoding="utf-8")

    def token(self, org_id: str, staff_id: int = 1) -> str:
        issuer = TokenIssuer(org_id, self.entries[org_id][2], dt.timedelta(minutes=30))
        return issuer.issue(staff_id, "advisor", f"{org_id} 担当")

    def headers(self, org_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(org_id)}"}


@dataclass
class Analytics:
    served: ServedApp
    settings: AnalyticsSettings
    registry: Registry

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.served.app.state.grpc_port}"

    async def get(self, path: str, caller: str | None = PREFECTURE, **params: Any) -> httpx.Response:
        headers = self.registry.headers(caller) if caller else {}
        async with httpx.AsyncClient(base_url=self.served.url, timeout=60) as client:
            return await client.get(path, params=params, headers=headers)

    async def table(self, name: str, caller: str = PREFECTURE, **params: Any) -> dict[str, Any]:
        response = await self.get(f"/api/v1/tables/{name}", caller, **params)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def outcome_record(
    business_ref: str,
    *,
    org_id: str = KANAZAWA,
    fiscal_year: int = 2025,
    fiscal_quarter: int = 1,
    version: int = 1,
    op: int = UPSERT,
    **fields: Any,
) -> outcome_record_pb2.OutcomeRecord:
    message = outcome_record_pb2.OutcomeRecord(
        business_ref=business_ref,
        org_id=org_id,
        fiscal_year=fiscal_year,
        fiscal_quarter=fiscal_quarter,
        version=version,
        op=op,  # type: ignore[arg-type]
        **fields,
    )
    message.updated_at.FromDatetime(UPDATED_AT)
    return message


@dataclass
class Wire:
    js: JetStreamContext

    @staticmethod
    def new_ref() -> str:
        return uuid.uuid4().hex

    async def publish_record(self, record: outcome_record_pb2.OutcomeRecord, *, subject: str | None = None) -> None:
        subject = subject or outcome_subject(
            record.org_id, record.business_ref, record.fiscal_year, record.fiscal_quarter
        )
        await self.publish(subject, record.SerializeToString())

    async def publish_goal(self, summary: goal_summary_pb2.GoalSummary, *, subject: str | None = None) -> None:
        await self.publish(subject or goal_subject(summary.org_id, summary.goal_ref), summary.SerializeToString())

    async def publish(self, subject: str, data: bytes) -> None:
        ack = await self.js.publish(subject, data, headers={MSG_ID_HEADER: uuid.uuid4().hex})
        assert not ack.duplicate

    async def settled(self, stream: StreamSpec = OUTCOMES_STREAM, durable: str = "analytics-outcomes") -> None:
        """Wait until analytics has acknowledged — so committed — everything on the stream."""

        async def acknowledged_all() -> bool:
            last = (await self.js.stream_info(stream.name)).state.last_seq
            try:
                consumer = await self.js.consumer_info(stream.name, durable)
            except nats.js.errors.NotFoundError:
                return False
            return consumer.ack_floor.stream_seq >= last and not consumer.num_ack_pending

        await eventually(acknowledged_all, timeout=20, what=f"analytics to acknowledge {stream.name}")

    async def stream_subjects(self, stream: StreamSpec = OUTCOMES_STREAM) -> dict[str, int]:
        info = await self.js.stream_info(stream.name, subjects_filter=">")
        return dict(info.state.subjects or {})

    async def dead_letters(self) -> list[Msg]:
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


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    registry = Registry(tmp_path / "federation.json")
    registry.add(PREFECTURE, "石川県 商工労働部", "prefecture")
    registry.add(KANAZAWA, "金沢商工会議所", "cci")
    registry.add(NANAO, "七尾商工会議所", "cci")
    registry.add(HAKUI, "羽咋商工会", "society")
    return registry


@pytest.fixture
async def analytics_settings(nats_server: NatsServer, database_url: str, registry: Registry) -> AnalyticsSettings:
    return AnalyticsSettings(
        database_url=database_url, nats_url=nats_server.url, grpc_port=0, federation_registry=registry.path
    )


@pytest.fixture
async def start_analytics(
    analytics_settings: AnalyticsSettings, registry: Registry
) -> AsyncIterator[Callable[..., Awaitable[Analytics]]]:
    async with app_starter(
        create_app, analytics_settings, lambda served, settings: Analytics(served, settings, registry)
    ) as start:
        yield start


@pytest.fixture
async def analytics(start_analytics: Callable[..., Awaitable[Analytics]]) -> Analytics:
    return await start_analytics()


@pytest.fixture
async def wire(nats_server: NatsServer) -> AsyncIterator[Wire]:
    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await ensure_stream(js, OUTCOMES_STREAM)
    await ensure_stream(js, GOALS_STREAM)
    try:
        yield Wire(js)
    finally:
        await client.close()
