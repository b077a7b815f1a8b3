from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import httpx
import pytest
from sqlalchemy import func, select

from banso.records.v1 import records_pb2_grpc
from banso_core.testing.servers import NatsServer, ServedApp
from org_records.app import create_app
from org_records.config import OrgRecordsSettings

BUSINESS = {
    "name": "有限会社加賀漆器工房",
    "name_kana": "カガシッキコウボウ",
    "representative": "漆原 一郎",
    "address": "石川県加賀市山中温泉塚谷町イ1-1",
    "phone": "0761-78-0001",
    "email": "info@kaga-shikki.example.jp",
    "corporate_number": "5220005002171",
    "business_form": "corporation",
    "jsic_major": "E",
    "jsic_middle": "32",
    "employees": 4,
    "sharing_consent": True,
}
GOAL = {"set_on": "2026-04-10", "category": "sales_channel", "text": "ECサイトで県外の新規顧客を開拓する"}


@pytest.fixture
async def org_records(nats_server: NatsServer, database_url: str) -> AsyncIterator[ServedApp]:
    settings = OrgRecordsSettings(
        org_id="kaga-society",
        org_name="加賀商工会",
        org_kind="society",
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=0,
        sharing_secret="test-secret",
        relay_poll_seconds=0.2,
    )
    served = ServedApp(create_app(settings))
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


@pytest.fixture
async def client(org_records: ServedApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=org_records.url, timeout=60) as client:
        yield client


@pytest.fixture
async def records_stub(org_records: ServedApp) -> AsyncIterator[records_pb2_grpc.RecordsServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{org_records.app.state.grpc_port}") as channel:
        yield records_pb2_grpc.RecordsServiceStub(channel)


@pytest.fixture
async def business(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/api/v1/businesses", json=BUSINESS)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def business_payload() -> dict[str, Any]:
    return dict(BUSINESS)


@pytest.fixture
def goal_payload() -> dict[str, Any]:
    return dict(GOAL)


@pytest.fixture
def count_rows(org_records: ServedApp) -> Callable[[type], Awaitable[int]]:
    """Rows of a table in the served instance's database."""

    async def count(model: type) -> int:
        async with org_records.app.state.database.session() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return count
