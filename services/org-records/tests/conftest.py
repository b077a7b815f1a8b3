from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import httpx
import pytest
from sqlalchemy import func, select

from banso.records.v1 import records_pb2_grpc
from banso_core.testing.auth import BearerToken, bearer_headers
from banso_core.testing.servers import NatsServer, ServedApp
from org_records.app import create_app
from org_records.config import OrgRecordsSettings
from org_records.outbox.models import OutboxMessage

ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "admin-password"
PASSWORD = "staff-password"
_logins = itertools.count(1)

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
def k_anonymity() -> int:
    """Most tests write one business: k = 1 lets its goals leave. k-anonymity's own tests parametrize it."""
    return 1


@pytest.fixture
async def org_records(nats_server: NatsServer, database_url: str, k_anonymity: int) -> AsyncIterator[ServedApp]:
    settings = OrgRecordsSettings(
        org_id="kaga-society",
        org_name="加賀商工会",
        org_kind="society",
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=0,
        sharing_secret="test-secret",
        k_anonymity=k_anonymity,
        relay_poll_seconds=0.2,
        outcome_records_gather_seconds=0.05,
        bootstrap_admin_login=ADMIN_LOGIN,
        bootstrap_admin_password=ADMIN_PASSWORD,
    )
    served = ServedApp(create_app(settings))
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


@pytest.fixture
async def anonymous_client(org_records: ServedApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=org_records.url, timeout=60) as client:
        yield client


@pytest.fixture
async def client(org_records: ServedApp) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as the organization's administrator (every permission)."""
    headers = await bearer_headers(org_records.url, ADMIN_LOGIN, ADMIN_PASSWORD)
    async with httpx.AsyncClient(base_url=org_records.url, headers=headers, timeout=60) as client:
        yield client


@pytest.fixture
def client_as(
    org_records: ServedApp, client: httpx.AsyncClient
) -> Callable[[str], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """A client signed in as a new member of staff with the given role."""

    @contextlib.asynccontextmanager
    async def signed_in(role: str) -> AsyncIterator[httpx.AsyncClient]:
        login = f"{role.replace('_', '-')}-{next(_logins)}"
        response = await client.post(
            "/api/v1/staff", json={"display_name": f"{role} 担当", "role": role, "login": login, "password": PASSWORD}
        )
        assert response.status_code == 201, response.text
        headers = await bearer_headers(org_records.url, login, PASSWORD)
        async with httpx.AsyncClient(base_url=org_records.url, headers=headers, timeout=60) as signed:
            yield signed

    return signed_in


@pytest.fixture
async def grpc_token(org_records: ServedApp) -> str:
    headers = await bearer_headers(org_records.url, ADMIN_LOGIN, ADMIN_PASSWORD)
    return headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture
async def grpc_channel(org_records: ServedApp, grpc_token: str) -> AsyncIterator[grpc.aio.Channel]:
    """A channel whose every call carries the administrator's token."""
    async with grpc.aio.insecure_channel(
        f"127.0.0.1:{org_records.app.state.grpc_port}", interceptors=[BearerToken(grpc_token)]
    ) as channel:
        yield channel


@pytest.fixture
def records_stub(grpc_channel: grpc.aio.Channel) -> records_pb2_grpc.RecordsServiceStub:
    return records_pb2_grpc.RecordsServiceStub(grpc_channel)


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


@pytest.fixture
def count_goal_messages(org_records: ServedApp) -> Callable[[], Awaitable[int]]:
    """Goal-summary rows in the served instance's outbox (outcome records, which a background worker writes into
    the same outbox, are not counted)."""

    async def count() -> int:
        async with org_records.app.state.database.session() as session:
            query = (
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.subject.startswith("banso.goals."))
            )
            return int(await session.scalar(query) or 0)

    return count


@pytest.fixture
def import_file(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Upload a file to `POST /api/v1/imports` and poll the job until it is done; answers the finished job.

    `polls`, when given, collects every state the job was seen in."""

    async def run(
        content: bytes,
        filename: str = "import.csv",
        *,
        dry_run: bool = False,
        polls: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        response = await client.post(
            "/api/v1/imports", params={"dry_run": str(dry_run).lower()}, files={"file": (filename, content)}
        )
        assert response.status_code == 202, response.text
        location = response.headers["location"]
        for _ in range(3000):
            job: dict[str, Any] = (await client.get(location)).json()
            if polls is not None:
                polls.append(job)
            if job["status"] in ("succeeded", "failed"):
                return job
            await asyncio.sleep(0.01)
        raise AssertionError(f"import {location} did not finish")

    return run
