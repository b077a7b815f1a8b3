"""A federation in one process for cross-service tests: organizations and the exchange on real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD
from banso_core.testing.servers import NatsServer, ServedApp
from exchange.app import create_app as create_exchange
from exchange.config import ExchangeSettings
from org_records.app import create_app as create_org_records
from org_records.config import OrgRecordsSettings


@dataclass
class Federation:
    nats: NatsServer
    make_database_url: Callable[[str], Awaitable[str]]
    orgs: dict[str, ServedApp] = field(default_factory=dict)
    exchange: ServedApp | None = None
    exchange_settings: ExchangeSettings | None = None

    async def start_org(self, org_id: str, org_name: str, **overrides: Any) -> ServedApp:
        settings = OrgRecordsSettings(
            org_id=org_id,
            org_name=org_name,
            database_url=await self.make_database_url(f"org-{org_id}"),
            nats_url=self.nats.url,
            grpc_port=0,
            sharing_secret=f"secret-of-{org_id}",
            relay_poll_seconds=0.2,
            bootstrap_admin_login=TEST_ADMIN_LOGIN,
            bootstrap_admin_password=TEST_ADMIN_PASSWORD,
            **overrides,
        )
        served = ServedApp(create_org_records(settings))
        await served.start()
        self.orgs[org_id] = served
        return served

    async def start_exchange(self) -> ServedApp:
        if self.exchange_settings is None:
            self.exchange_settings = ExchangeSettings(
                database_url=await self.make_database_url("exchange"), nats_url=self.nats.url, grpc_port=0
            )
        self.exchange = ServedApp(create_exchange(self.exchange_settings))
        await self.exchange.start()
        return self.exchange

    async def stop_exchange(self) -> None:
        assert self.exchange is not None
        await self.exchange.stop()
        self.exchange = None

    async def search(self, **params: Any) -> dict[str, Any]:
        """Exchange REST search, as any advisor would call it."""
        assert self.exchange is not None
        async with httpx.AsyncClient(base_url=self.exchange.url) as client:
            response = await client.get("/api/v1/goals/search", params=params)
            response.raise_for_status()
            result: dict[str, Any] = response.json()
            return result

    async def stop(self) -> None:
        for served in self.orgs.values():
            await served.stop()
        if self.exchange is not None:
            await self.exchange.stop()


@pytest.fixture
async def federation(
    nats_server: NatsServer, database_url_factory: Callable[[str], Awaitable[str]]
) -> AsyncIterator[Federation]:
    federation = Federation(nats=nats_server, make_database_url=database_url_factory)
    try:
        yield federation
    finally:
        await federation.stop()
