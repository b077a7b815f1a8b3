"""A federation on loopback from the generated configuration: the hub's nats-server and two organizations' leaf
nodes, each its own process with its own JetStream store, on free ports."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import nats
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.aio.client import Client as NatsClient

from banso_core.nats_config import GeneratedFiles, Secrets, admin_user, generate, provision_hub_streams
from banso_core.registry import FederationRegistry, Member, load_registry, registry_toml
from banso_core.testing.servers import ConfiguredNatsServer, eventually, free_port
from banso_core.tokens import TokenIssuer, public_key_pem

ORGANIZATIONS = (("kanazawa-cci", "金沢商工会議所", "cci"), ("nanao-cci", "七尾商工会議所", "cci"))


class WanLink:
    """A TCP relay between a leaf node and the hub that can be cut and healed, as a WAN line that goes down."""

    def __init__(self, hub_port: int) -> None:
        self.hub_port = hub_port
        self.port = free_port()
        self.is_cut = False
        self._pipes: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", self.port)

    async def _connect(self, leaf_reader: asyncio.StreamReader, leaf_writer: asyncio.StreamWriter) -> None:
        writers = [leaf_writer]
        try:
            if self.is_cut:
                return
            hub_reader, hub_writer = await asyncio.open_connection("127.0.0.1", self.hub_port)
            writers.append(hub_writer)
            self._pipes.update(writers)
            await asyncio.gather(self._pipe(leaf_reader, hub_writer), self._pipe(hub_reader, leaf_writer))
        except OSError:
            pass
        finally:
            for writer in writers:
                writer.transport.abort()
                self._pipes.discard(writer)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        writer.transport.abort()

    def cut(self) -> None:
        self.is_cut = True
        for writer in list(self._pipes):
            writer.transport.abort()

    def heal(self) -> None:
        self.is_cut = False

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@dataclass
class LoopbackFederation:
    registry: FederationRegistry
    files: GeneratedFiles
    hub: ConfiguredNatsServer
    leaves: dict[str, ConfiguredNatsServer]
    links: dict[str, WanLink]
    keys: dict[str, Ed25519PrivateKey]
    """Each organization's token-signing key, whose public half the registry lists."""
    registry_path: Path

    @property
    def passwords(self) -> Secrets:
        return Secrets(self.files.secrets)

    async def connect_hub(self, user: str) -> NatsClient:
        return await nats.connect(self.hub.url, user=user, password=self.passwords.password(user))

    async def connect_hub_account(self, account: str) -> NatsClient:
        """As the hub's administrator of `account` (to read its streams)."""
        return await self.connect_hub(admin_user(account))

    async def connect_leaf(self, org_id: str) -> NatsClient:
        """As the organization's services do: to their own leaf, no credentials (it listens on loopback)."""
        return await nats.connect(self.leaves[org_id].url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)

    def hub_url_of(self, user: str) -> str:
        """The hub's URL with a user's credentials, as a hub service is configured."""
        return f"nats://{user}:{self.passwords.password(user)}@127.0.0.1:{self.hub.port}"

    def signing_key_file(self, org_id: str) -> Path:
        path = self.files.hub.parent / "keys" / f"{org_id}.pem"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            self.keys[org_id].private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return path

    def staff_headers(self, org_id: str, staff_id: int = 1) -> dict[str, str]:
        """A staff token as the organization's records service would sign it."""
        issuer = TokenIssuer(org_id, self.keys[org_id], dt.timedelta(minutes=30))
        return {"Authorization": f"Bearer {issuer.issue(staff_id, 'advisor', f'{org_id} 担当{staff_id}')}"}

    async def sourcing_established(self, org_id: str) -> None:
        """Wait until every source between the organization's leaf and the hub services is running: a cut before
        then tests provisioning during an outage, which recovers on the server's slower retry."""
        org = self.registry.organization(org_id)
        clients = [await self.connect_hub_account(org.account)]
        clients += [await self.connect_hub_account(service.account) for service in self.registry.hub.services]
        clients.append(await self.connect_leaf(org_id))

        async def all_running() -> bool:
            for client in clients:
                for info in await client.jetstream().streams_info():
                    for source in info.sources or []:
                        if source.error is not None or source.active is None or source.active < 0:
                            return False
            return True

        try:
            await eventually(all_running, timeout=15, what=f"the sources of {org_id} to run")
        finally:
            for client in clients:
                await client.close()

    async def provision(self) -> None:
        await provision_hub_streams(self.registry, self.passwords, self.hub.url)


@pytest.fixture
async def federation(tmp_path: Path) -> AsyncIterator[LoopbackFederation]:
    keys = {org_id: Ed25519PrivateKey.generate() for org_id, _, _ in ORGANIZATIONS}
    registry_path = tmp_path / "federation.toml"
    members = [Member(org_id, name, kind, public_key_pem(keys[org_id])) for org_id, name, kind in ORGANIZATIONS]
    text = registry_toml(members, host="127.0.0.1", client_port=free_port(), leafnode_port=free_port())
    registry_path.write_text(text, encoding="utf-8")
    registry = load_registry(registry_path)
    leaf_ports = {org.id: free_port() for org in registry.organizations}
    links = {org.id: WanLink(registry.hub.leafnode_port) for org in registry.organizations}
    addresses = {org_id: f"127.0.0.1:{link.port}" for org_id, link in links.items()}
    files = generate(registry, tmp_path / "nats", leaf_ports=leaf_ports, hub_addresses=addresses)
    hub = ConfiguredNatsServer(files.hub, registry.hub.client_port, tmp_path / "hub.log")
    leaves = {
        org_id: ConfiguredNatsServer(files.leaves[org_id], port, tmp_path / f"leaf-{org_id}.log")
        for org_id, port in leaf_ports.items()
    }
    running = LoopbackFederation(registry, files, hub, leaves, links, keys, registry_path)
    hub.start()
    try:
        for link in links.values():
            await link.start()
        for leaf in leaves.values():
            leaf.start()
        yield running
    finally:
        for leaf in leaves.values():
            leaf.kill()
        hub.kill()
        for link in links.values():
            await link.close()
