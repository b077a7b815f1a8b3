"""A federation in one process for cross-service tests: organizations and the exchange on real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, TestRegistry
from banso_core.testing.servers import NatsServer, ServedApp
from exchange.app import create_app as create_exchange
from exchange.config import ExchangeSettings
from notices.app import create_app as create_notices
from notices.config import NoticesSettings
from org_records.app import create_app as create_org_records
from org_records.config import OrgRecordsSettings


@dataclass
class Federation:
    nats: NatsServer
    make_database_url: Callable[[str], Awaitable[str]]
    registry: TestRegistry
    """The federation registry: every organization started here signs its staff tokens with its key in it."""
    orgs: dict[str, ServedApp] = field(default_factory=dict)
    exchange: ServedApp | None = None
    exchange_settings: ExchangeSettings | None = None
    notices: ServedApp | None = None

    async def start_org(self, org_id: str, org_name: str, **overrides: Any) -> ServedApp:
        # Flow tests write a business or two: k = 1 lets their goals leave; tests of k-anonymity set k.
        overrides.setdefault("k_anonymity", 1)
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
            signing_key_path=self.registry.signing_key_file(org_id)
            if org_id in self.registry.keys
            else self._register(org_id, org_name),
            federation_registry=self.registry.path,
            **overrides,
        )
        served = ServedApp(create_org_records(settings))
        await served.start()
        self.orgs[org_id] = served
        return served

    def _register(self, org_id: str, org_name: str) -> Path:
        self.registry.add(org_id, "cci", name=org_name)
        return self.registry.signing_key_file(org_id)

    def exchange_headers(self) -> dict[str, str]:
        """A staff token of a member organization, as the exchange requires (the first organization started)."""
        return self.registry.headers(next(iter(self.registry.keys)))

    async def start_exchange(self) -> ServedApp:
        if self.exchange_settings is None:
            self.exchange_settings = ExchangeSettings(
                database_url=await self.make_database_url("exchange"),
                nats_url=self.nats.url,
                grpc_port=0,
                federation_registry=self.registry.path,
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
        async with httpx.AsyncClient(base_url=self.exchange.url, headers=self.exchange_headers(), timeout=60) as client:
            response = await client.get("/api/v1/goals/search", params=params)
            response.raise_for_status()
            result: dict[str, Any] = response.json()
            return result

    async def stop(self) -> None:
        for served in self.orgs.values():
            await served.stop()
        if self.exchange is not None:
            await self.exchange.stop()
        if self.notices is not None:
            await self.notices.stop()

    async def stop_org(self, org_id: str) -> None:
        """The organization goes offline (its database and durable consumers stay)."""
        await self.orgs[org_id].stop()

    async def restart_org(self, org_id: str) -> ServedApp:
        """The organization comes back with the same settings and database."""
        served = ServedApp(self.orgs[org_id].app)
        await served.start()
        self.orgs[org_id] = served
        return served

    async def start_notices(self) -> ServedApp:
        """The prefecture's notices service, trusting the organizations of the registry."""
        settings = NoticesSettings(
            database_url=await self.make_database_url("notices"),
            nats_url=self.nats.url,
            grpc_port=0,
            federation_registry=self.registry.path,
            relay_poll_seconds=0.2,
        )
        self.notices = ServedApp(create_notices(settings))
        await self.notices.start()
        return self.notices


@pytest.fixture
async def federation(
    nats_server: NatsServer, database_url_factory: Callable[[str], Awaitable[str]], tmp_path: Path
) -> AsyncIterator[Federation]:
    federation = Federation(
        nats=nats_server, make_database_url=database_url_factory, registry=TestRegistry(tmp_path / "federation.json")
    )
    try:
        yield federation
    finally:
        await federation.stop()
