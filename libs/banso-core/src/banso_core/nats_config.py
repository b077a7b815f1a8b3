"""NATS configuration of the federation, generated from the registry: `python -m banso_core.nats_config`
(`make nats-config`).

Writes, under the output folder (var/nats-federation by default):
- `hub.conf`: the hub's nats-server: JetStream (domain `hub`), a leaf-node listener, one account per organization
  and one per hub service (exchange, analytics, notices), with the exports and imports below;
- `leaf-<org>.conf`: each organization's own nats-server, a leaf node of the hub in the organization's account, with
  JetStream in a domain of its own (the organization's id);
- `secrets.json` (mode 0600): the generated passwords, kept across runs so that configurations already handed out
  stay valid. Never commit it.

How an organization's messages reach the hub (docs/federation.md): its services publish to their local leaf, whose
streams (`BANSO_GOALS`, `BANSO_OUTCOMES`, `BANSO_INQUIRIES`) acknowledge at once, WAN or not. In the organization's
account at the hub, the stream `OUTBOX` sources from those streams across the leaf connection — only the
organization's own subjects (`banso.goals.<org>.>`, `banso.outcomes.<org>.>`, `banso.inquiries.<org>.reply.>`)
— and the hub services' streams source from `OUTBOX` through the account's exports. Sources resume from the last
sequence they hold after any outage, so nothing is lost or taken twice. The other way, each organization's
account has an `INBOX` sourcing its own part of the hub services' streams (notices, alerts, questions), and the
leaf's `BANSO_NOTICES` and `BANSO_INQUIRIES` source that INBOX. Across accounts, an account may create a consumer
on another's stream only with the filter of its own subjects (the export names the filter).

`--provision HUB_URL` creates or updates those streams at the running hub; `--provision-leaf ORG LEAF_URL` at an
organization's leaf.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bcrypt
import nats
from nats.js import JetStreamContext
from nats.js.api import ExternalStream, StorageType, StreamConfig, StreamSource
from nats.js.errors import NotFoundError, ServiceUnavailableError

from banso_core.messaging import (
    GOALS_STREAM,
    INQUIRIES_STREAM,
    NOTICES_STREAM,
    OUTCOMES_STREAM,
    StreamSpec,
    inquiry_questions_of_org,
    nats_server_binary,
    notices_of_org,
)
from banso_core.registry import FederationRegistry, HubService, RegisteredOrganization, RegistryError, load_registry

OUTBOX_STREAM = "OUTBOX"
"""In each organization's account at the hub: what its leaf has published, its own subjects only."""
INBOX_STREAM = "INBOX"
"""In each organization's account at the hub: what the hub services have sent it, which its leaf sources."""
ADMIN_USER = "hub-admin"
"""A user in every account, kept at the hub, that provisions the streams (`provision_hub_streams`)."""


def goals_of(org_id: str) -> str:
    return f"banso.goals.{org_id}.>"


def outcomes_of(org_id: str) -> str:
    return f"banso.outcomes.{org_id}.>"


def inquiry_replies_of(org_id: str) -> str:
    return f"banso.inquiries.{org_id}.reply.>"


def outbound_subjects(org_id: str) -> list[str]:
    """What an organization publishes to the federation: its own subjects, nothing else."""
    return [goals_of(org_id), outcomes_of(org_id), inquiry_replies_of(org_id)]


@dataclass(frozen=True)
class HubStream:
    """A stream of a hub service's account, and its part that concerns one organization."""

    spec: StreamSpec
    subject_of: Callable[[str], str]


HUB_STREAMS: dict[str, tuple[HubStream, ...]] = {
    "exchange": (HubStream(GOALS_STREAM, goals_of), HubStream(INQUIRIES_STREAM, inquiry_replies_of)),
    "analytics": (HubStream(GOALS_STREAM, goals_of), HubStream(OUTCOMES_STREAM, outcomes_of)),
    "notices": (),
}
"""What each hub service consumes of the organizations' messages."""


def alerts_to(org_id: str) -> str:
    return f"banso.notices.{org_id}.alert.>"


SENT_TO_ORGANIZATIONS: dict[str, tuple[HubStream, ...]] = {
    "notices": (HubStream(NOTICES_STREAM, notices_of_org),),
    "exchange": (HubStream(NOTICES_STREAM, alerts_to), HubStream(INQUIRIES_STREAM, inquiry_questions_of_org)),
    "analytics": (),
}
"""What each hub service publishes for an organization, from its own streams: each organization's INBOX takes its
own part of them."""
LEAF_INBOUND: tuple[tuple[StreamSpec, Callable[[str], str]], ...] = (
    (NOTICES_STREAM, notices_of_org),
    (INQUIRIES_STREAM, inquiry_questions_of_org),
)
"""The leaf's streams the organization's services read, and what each takes from the organization's INBOX."""


@dataclass(frozen=True)
class Sourcing:
    """A stream of account `reader` sources `stream` of account `owner`, only `filter_subject`, reaching the owner's
    JetStream API under `api` (an import): the owner exports consumer creation for that filter alone."""

    owner: str
    stream: str
    reader: str
    into: str
    """The reader's stream that takes the messages."""
    api: str
    filter_subject: str

    @property
    def deliver(self) -> str:
        """Where the owner's server delivers the sourced messages, exported to the reader alone."""
        return f"banso.deliver.{self.owner}.{self.reader}.{self.into}"

    def exports(self) -> list[tuple[str, str]]:
        """(service or stream, subject) the owner exports to the reader."""
        return [
            ("service", f"$JS.API.CONSUMER.CREATE.{self.stream}.*.{self.filter_subject}"),
            ("service", f"$JS.FC.{self.stream}.>"),
            ("stream", f"{self.deliver}.>"),
        ]

    def imports(self) -> list[dict[str, Any]]:
        create = f"$JS.API.CONSUMER.CREATE.{self.stream}.*.{self.filter_subject}"
        return [
            {"service": {"account": self.owner, "subject": create}, "to": create.replace("$JS.API", self.api)},
            {"service": {"account": self.owner, "subject": f"$JS.FC.{self.stream}.>"}},
            {"stream": {"account": self.owner, "subject": f"{self.deliver}.>"}},
        ]

    def source(self) -> StreamSource:
        return StreamSource(
            name=self.stream,
            filter_subject=self.filter_subject,
            external=ExternalStream(api=self.api, deliver=self.deliver),
        )


def sourcings(registry: FederationRegistry) -> list[Sourcing]:
    """Every cross-account sourcing at the hub: the hub services' streams from the organizations' OUTBOX, the
    organizations' INBOX from the hub services' streams."""
    found = []
    for service in registry.hub.services:
        for org in registry.organizations:
            for stream in HUB_STREAMS[service.name]:
                found.append(
                    Sourcing(
                        owner=org.account,
                        stream=OUTBOX_STREAM,
                        reader=service.account,
                        into=stream.spec.name,
                        api=api_prefix(org.id),
                        filter_subject=stream.subject_of(org.id),
                    )
                )
            for stream in SENT_TO_ORGANIZATIONS[service.name]:
                found.append(
                    Sourcing(
                        owner=service.account,
                        stream=stream.spec.name,
                        reader=org.account,
                        into=INBOX_STREAM,
                        api=api_prefix(service.name),
                        filter_subject=stream.subject_of(org.id),
                    )
                )
    return found


def api_prefix(owner: str) -> str:
    """Where an account reaches the JetStream API of the account of `owner` (an organization or a hub service)."""
    return f"banso.js.{owner}.API"


BCRYPT_ROUNDS = 4
"""The lowest cost: the passwords are 144 random bits, which no cost factor makes harder to guess, and the hub
checks one at every connection and leaf reconnection."""


class Secrets:
    """Generated passwords, by user, in a 0600 JSON file; made once and reused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.passwords: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}

    def password(self, user: str) -> str:
        if user not in self.passwords:
            self.passwords[user] = secrets.token_urlsafe(24)
        return self.passwords[user]

    def hashed(self, user: str) -> str:
        """The password as the hub's configuration holds it (bcrypt), so that hub.conf reveals none."""
        return bcrypt.hashpw(self.password(user).encode(), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(self.passwords, file, indent=2)


def org_user(org: RegisteredOrganization) -> str:
    """The user an organization's leaf node (and only it) connects as."""
    return org.id


def admin_user(account: str) -> str:
    return f"{ADMIN_USER}-{account.lower()}"


def org_permissions(org: RegisteredOrganization, hub_domain: str) -> dict[str, Any]:
    """Seen from the hub: the leaf may send only the organization's own subjects and the JetStream traffic of the
    two sourcings across its connection (the hub's OUTBOX reading the leaf, the leaf reading the hub's INBOX)."""
    sourcing = ["$JS.FC.>", "$JS.S.>", "$JSC.>"]
    return {
        "publish": {
            "allow": [*outbound_subjects(org.id), f"$JS.{hub_domain}.API.CONSUMER.CREATE.{INBOX_STREAM}.>", *sourcing]
        },
        "subscribe": {"allow": [f"$JS.{org.id}.API.>", *sourcing]},
        "allow_responses": True,
    }


def hub_configuration(
    registry: FederationRegistry, passwords: Secrets, store_dir: Path, *, host: str | None = None
) -> dict[str, Any]:
    hub = registry.hub
    accounts: dict[str, Any] = {}
    for org in registry.organizations:
        user = org_user(org)
        accounts[org.account] = {
            "jetstream": "enabled",
            "users": [
                {
                    "user": user,
                    "password": passwords.hashed(user),
                    "permissions": org_permissions(org, hub.jetstream_domain),
                },
                {"user": admin_user(org.account), "password": passwords.hashed(admin_user(org.account))},
            ],
        }
    for service in hub.services:
        accounts[service.account] = {
            "jetstream": "enabled",
            "users": [
                {"user": service.name, "password": passwords.hashed(service.name)},
                {"user": admin_user(service.account), "password": passwords.hashed(admin_user(service.account))},
            ],
        }
    # One export per subject, naming every account it is for (a second export of a subject would replace the first).
    exports: dict[str, dict[tuple[str, str], list[str]]] = {}
    for sourcing in sourcings(registry):
        for kind, subject in sourcing.exports():
            readers = exports.setdefault(sourcing.owner, {}).setdefault((kind, subject), [])
            if sourcing.reader not in readers:
                readers.append(sourcing.reader)
        imports = accounts[sourcing.reader].setdefault("imports", [])
        imports.extend(entry for entry in sourcing.imports() if entry not in imports)
    for owner, subjects in exports.items():
        accounts[owner]["exports"] = [
            {kind: subject, "accounts": readers} for (kind, subject), readers in subjects.items()
        ]
    return {
        "server_name": "banso-hub",
        "host": host or hub.host,
        "port": hub.client_port,
        "jetstream": {"store_dir": str(store_dir), "domain": hub.jetstream_domain},
        "leafnodes": {"host": host or hub.host, "port": hub.leafnode_port},
        "accounts": accounts,
    }


def leaf_configuration(
    registry: FederationRegistry,
    org: RegisteredOrganization,
    passwords: Secrets,
    store_dir: Path,
    *,
    port: int = 4222,
    host: str = "127.0.0.1",
    hub_address: str | list[str] | None = None,
) -> dict[str, Any]:
    """The organization's own nats-server: its services connect to it on `host:port`; it dials the hub (at
    `hub_address`, `host:port`, when the registry's is not the way there; every node's of a clustered hub)."""
    hub = registry.hub
    user = org_user(org)
    addresses = [hub_address] if isinstance(hub_address, str) else hub_address or [f"{hub.host}:{hub.leafnode_port}"]
    urls = [f"nats-leaf://{user}:{passwords.password(user)}@{address}" for address in addresses]
    return {
        "server_name": f"banso-leaf-{org.id}",
        "host": host,
        "port": port,
        "jetstream": {"store_dir": str(store_dir), "domain": org.id},
        "leafnodes": {
            "reconnect": "1s",
            "remotes": [{"url": urls[0]} if len(urls) == 1 else {"urls": urls}],
        },
    }


def write_configuration(path: Path, configuration: dict[str, Any]) -> None:
    """nats-server reads JSON as its configuration format; 0600, for the passwords it holds."""
    write_text_secret(path, json.dumps(configuration, ensure_ascii=False, indent=2))


def write_text_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


@dataclass(frozen=True)
class GeneratedFiles:
    hub: Path
    """hub.conf; the first node's configuration for a clustered hub."""
    leaves: dict[str, Path]
    secrets: Path
    service_env: dict[str, Path]
    """Per hub service, `<service>.env`: its NATS URL with its own user's password (`EXCHANGE_NATS_URL=…`); every
    node's, comma-separated, for a clustered hub."""
    hub_nodes: dict[str, Path] = dataclasses.field(default_factory=dict)
    """For a clustered hub, `<node>.conf` by node name."""


CLUSTER_NAME = "banso-hub"


@dataclass(frozen=True)
class HubNode:
    """A node of a clustered hub (3 nodes, R3 streams: docs/operations.md): its name, the host the other nodes, the
    leaves and the hub services reach it at, and its ports."""

    name: str
    host: str
    client_port: int = 4222
    leafnode_port: int = 7422
    cluster_port: int = 6222


def hub_node_configuration(
    registry: FederationRegistry,
    passwords: Secrets,
    store_dir: Path,
    node: HubNode,
    nodes: list[HubNode],
    *,
    listen: str | None = None,
) -> dict[str, Any]:
    """One node of the clustered hub: the hub's accounts and JetStream domain, with routes to every node (a node's
    route to itself is ignored)."""
    host = listen or node.host
    configuration = hub_configuration(registry, passwords, store_dir, host=host)
    configuration |= {
        "server_name": node.name,
        "port": node.client_port,
        "leafnodes": {"host": host, "port": node.leafnode_port},
        "cluster": {
            "name": CLUSTER_NAME,
            "host": host,
            "port": node.cluster_port,
            "routes": [f"nats://{other.host}:{other.cluster_port}" for other in nodes],
        },
    }
    return configuration


@dataclass(frozen=True)
class Addresses:
    """Where the servers listen, dial and store. The defaults suit one machine (loopback, stores under the output
    folder); in containers: `Addresses(listen="0.0.0.0", hub_host="hub-nats", store_dir="/data/jetstream")`."""

    listen: str | None = None
    """The address the hub and each leaf listen on (default: the registry's hub host, and loopback for a leaf)."""
    hub_host: str | None = None
    """The name leaf nodes and hub services dial the hub at (default: the registry's hub host)."""
    store_dir: str | None = None
    """Each server's JetStream store, as its own machine or container sees it (default `<out>/store/<server>`)."""


def generate(
    registry: FederationRegistry,
    out_dir: Path,
    *,
    leaf_ports: dict[str, int] | None = None,
    hub_addresses: dict[str, str] | None = None,
    store_root: Path | None = None,
    addresses: Addresses | None = None,
    cluster: list[HubNode] | None = None,
) -> GeneratedFiles:
    """Write hub.conf (<node>.conf for each node of a `cluster`), leaf-<org>.conf, <service>.env and
    secrets.json under `out_dir`; JetStream stores under `store_root` (default `out_dir/store`) unless `addresses`
    names a store folder."""
    addresses = addresses or Addresses()
    store_root = store_root or out_dir / "store"

    def store_of(server: str) -> Path:
        return Path(addresses.store_dir) if addresses.store_dir else store_root / server

    hub_host = addresses.hub_host or registry.hub.host
    passwords = Secrets(out_dir / "secrets.json")
    hub_nodes = {}
    for node in cluster or []:
        hub_nodes[node.name] = out_dir / f"{node.name}.conf"
        configuration = hub_node_configuration(
            registry, passwords, store_of(node.name), node, cluster or [], listen=addresses.listen
        )
        write_configuration(hub_nodes[node.name], configuration)
    if cluster:
        hub_path = hub_nodes[cluster[0].name]
        leaf_dials: list[str] = [f"{node.host}:{node.leafnode_port}" for node in cluster]
        client_urls = [f"{node.host}:{node.client_port}" for node in cluster]
    else:
        hub_path = out_dir / "hub.conf"
        write_configuration(hub_path, hub_configuration(registry, passwords, store_of("hub"), host=addresses.listen))
        leaf_dials = [f"{hub_host}:{registry.hub.leafnode_port}"]
        client_urls = [f"{hub_host}:{registry.hub.client_port}"]
    leaves = {}
    for org in registry.organizations:
        port = (leaf_ports or {}).get(org.id, 4222)
        path = out_dir / f"leaf-{org.id}.conf"
        configuration = leaf_configuration(
            registry,
            org,
            passwords,
            store_of(org.id),
            port=port,
            host=addresses.listen or "127.0.0.1",
            hub_address=(hub_addresses or {}).get(org.id, leaf_dials),
        )
        write_configuration(path, configuration)
        leaves[org.id] = path
    service_env = {}
    for service in registry.hub.services:
        credentials = f"{service.name}:{passwords.password(service.name)}"
        url = ",".join(f"nats://{credentials}@{address}" for address in client_urls)
        service_env[service.name] = out_dir / f"{service.name}.env"
        write_text_secret(service_env[service.name], f"{service.name.upper()}_NATS_URL={url}\n")
    passwords.save()
    return GeneratedFiles(hub_path, leaves, passwords.path, service_env, hub_nodes)


def check_configuration(path: Path) -> None:
    """`nats-server -t`: the server's own parser and checks; RuntimeError with its words when it refuses."""
    result = subprocess.run(
        [nats_server_binary(), "-t", "-c", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"nats-server refuses {path}: {(result.stderr or result.stdout).strip()}")


def outbox_config(org: RegisteredOrganization, replicas: int = 1) -> StreamConfig:
    """The stream of an organization's account at the hub that sources its leaf's streams, its own subjects only.

    It keeps only the newest message of each subject (one goal, one business-quarter, one inquiry each): a
    withdrawn goal's tombstone replaces its summary here, as the hub services purge their own copies."""
    sources = [
        StreamSource(name=spec.name, filter_subject=subject, external=ExternalStream(api=f"$JS.{org.id}.API"))
        for spec, subject in (
            (GOALS_STREAM, goals_of(org.id)),
            (OUTCOMES_STREAM, outcomes_of(org.id)),
            (INQUIRIES_STREAM, inquiry_replies_of(org.id)),
        )
    ]
    return StreamConfig(
        name=OUTBOX_STREAM,
        subjects=[],
        sources=sources,
        storage=StorageType.FILE,
        max_msgs_per_subject=1,
        num_replicas=replicas,
    )


def inbox_config(org: RegisteredOrganization, registry: FederationRegistry, replicas: int = 1) -> StreamConfig:
    """The stream of an organization's account at the hub that sources its part of the hub services' streams."""
    sources = [sourcing.source() for sourcing in sourcings(registry) if sourcing.reader == org.account]
    return StreamConfig(
        name=INBOX_STREAM, subjects=[], sources=sources, storage=StorageType.FILE, num_replicas=replicas
    )


def hub_stream_configs(registry: FederationRegistry, service: HubService, replicas: int = 1) -> list[StreamConfig]:
    """A hub service's streams: their own subjects (what the service publishes itself), plus one source per
    organization's OUTBOX for what it consumes of theirs."""
    configs: dict[str, StreamConfig] = {}
    for stream in (*HUB_STREAMS[service.name], *SENT_TO_ORGANIZATIONS[service.name]):
        configs.setdefault(stream.spec.name, dataclasses.replace(stream.spec.config(), num_replicas=replicas))
    for sourcing in sourcings(registry):
        if sourcing.reader == service.account:
            config = configs[sourcing.into]
            config.sources = [*(config.sources or []), sourcing.source()]
    return list(configs.values())


LEAF_OUTBOUND = (GOALS_STREAM, OUTCOMES_STREAM, INQUIRIES_STREAM)
"""The leaf's streams an organization's OUTBOX sources."""
LEAF_REPLIES = f"$JSC.R.{ADMIN_USER}"


async def wait_for_leaf_streams(registry: FederationRegistry, passwords: Secrets, hub_url: str, seconds: float) -> None:
    """Wait until every organization's leaf is connected and holds the streams its OUTBOX sources, asking each leaf
    across its connection (its JetStream domain) as the sourcing does: a source provisioned before its stream exists
    starts only on the server's slower retry. TimeoutError names the organizations still missing."""
    deadline = asyncio.get_running_loop().time() + seconds
    for org in registry.organizations:
        user = admin_user(org.account)
        # Replies under $JSC., the only inbox the leaf may answer on (org_permissions), as it answers the sourcing.
        connection = await nats.connect(
            hub_url, user=user, password=passwords.password(user), connect_timeout=5, inbox_prefix=LEAF_REPLIES
        )
        try:
            leaf = connection.jetstream(domain=org.id, timeout=1)
            missing = [spec.name for spec in LEAF_OUTBOUND]
            while missing:
                missing = [name for name in missing if not await _answers(leaf, name)]
                if missing and asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(
                        f"{org.id}'s leaf has not connected or holds no {', '.join(missing)} after {seconds:.0f} s: "
                        "start the organization's leaf and records service (or --provision-leaf), then provision again"
                    )
                if missing:
                    await asyncio.sleep(0.2)
        finally:
            await connection.close()


async def _answers(js: JetStreamContext, stream: str) -> bool:
    try:
        await js.stream_info(stream)
    except (NotFoundError, ServiceUnavailableError, nats.errors.TimeoutError, nats.errors.NoRespondersError):
        return False
    return True


async def provision_hub_streams(
    registry: FederationRegistry,
    passwords: Secrets,
    hub_url: str,
    *,
    replicas: int = 1,
    wait_for_leaves: float | None = None,
) -> None:
    """Create or update, at the running hub, the hub services' streams and every organization's OUTBOX and INBOX,
    with their sources; run again after the registry changes. Each stream exists before anything sources it.
    `replicas`: 3 on the hub's 3-node cluster (deploy/nats-cluster), so that a node's loss loses nothing.
    `wait_for_leaves`: first wait up to that many seconds for every leaf's streams (`wait_for_leaf_streams`)."""
    if wait_for_leaves is not None:
        await wait_for_leaf_streams(registry, passwords, hub_url, wait_for_leaves)
    plain = {service: hub_stream_configs(registry, service, replicas) for service in registry.hub.services}
    for service, configs in plain.items():
        await _provision(hub_url, admin_user(service.account), passwords, configs, sources=False)
    for org in registry.organizations:
        configs = [outbox_config(org, replicas), inbox_config(org, registry, replicas)]
        await _provision(hub_url, admin_user(org.account), passwords, configs)
    for service, configs in plain.items():
        await _provision(hub_url, admin_user(service.account), passwords, configs)


async def _provision(
    hub_url: str, user: str, passwords: Secrets, configs: list[StreamConfig], *, sources: bool = True
) -> None:
    if not configs:
        return
    connection = await nats.connect(hub_url, user=user, password=passwords.password(user), connect_timeout=5)
    try:
        js = connection.jetstream()
        for config in configs:
            if sources:
                await create_or_update(js, config)
            else:
                await create_if_missing(js, StreamConfig.from_response({**config.as_dict(), "sources": None}))
    finally:
        await connection.close()


async def create_or_update(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)


async def create_if_missing(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)


def leaf_stream_configs(org_id: str, hub_domain: str) -> list[StreamConfig]:
    """The leaf's streams: those the organization's services read, each also sourcing its part of the INBOX at the
    hub (so that what was sent while the WAN was down arrives when it is back); and those its relay publishes to,
    keeping only the newest message of each subject (a withdrawn goal's tombstone replaces its text)."""
    configs = []
    for spec in (GOALS_STREAM, OUTCOMES_STREAM):
        config = spec.config()
        config.max_msgs_per_subject = 1
        configs.append(config)
    for spec, subject_of in LEAF_INBOUND:
        config = spec.config()
        config.sources = [
            StreamSource(
                name=INBOX_STREAM,
                filter_subject=subject_of(org_id),
                external=ExternalStream(api=f"$JS.{hub_domain}.API"),
            )
        ]
        configs.append(config)
    return configs


async def provision_leaf_streams(org_id: str, leaf_url: str, hub_domain: str = "hub") -> None:
    """At the organization's own leaf: create or update its streams (`leaf_stream_configs`)."""
    connection = await nats.connect(leaf_url, connect_timeout=5)
    try:
        js = connection.jetstream()
        for config in leaf_stream_configs(org_id, hub_domain):
            await create_or_update(js, config)
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m banso_core.nats_config", description=__doc__.split("\n")[0])
    parser.add_argument("--registry", type=Path, default=Path("deploy/federation.toml"))
    parser.add_argument("--out", type=Path, default=Path("var/nats-federation"))
    parser.add_argument(
        "--provision-leaf",
        nargs=2,
        metavar=("ORG_ID", "LEAF_URL"),
        help="at an organization's leaf, create or update the streams that source its INBOX at the hub",
    )
    parser.add_argument(
        "--provision",
        metavar="HUB_URL",
        help="instead of writing files, create or update the streams at the running hub (nats://host:port)",
    )
    parser.add_argument("--listen", metavar="ADDRESS", help="where the hub and leaves listen (0.0.0.0 in containers)")
    parser.add_argument(
        "--hub-host", metavar="NAME", help="the name leaves and hub services dial the hub at (default: the registry's)"
    )
    parser.add_argument(
        "--store-dir", metavar="PATH", help="every server's JetStream store as its container sees it (/data/jetstream)"
    )
    parser.add_argument(
        "--wait-for-leaves",
        type=float,
        metavar="SECONDS",
        help="with --provision: first wait up to this long for every organization's leaf and its streams",
    )
    parser.add_argument(
        "--hub-cluster",
        metavar="NODES",
        help="a clustered hub: <node>.conf for each comma-separated node name (hub-1,hub-2,hub-3), routes on 6222",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        choices=range(1, 6),
        metavar="N",
        help="with --provision: replicas of the hub's streams (3 on a 3-node hub cluster)",
    )
    arguments = parser.parse_args(argv)
    try:
        registry = load_registry(arguments.registry)
    except RegistryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if arguments.provision_leaf:
        org_id, leaf_url = arguments.provision_leaf
        registry.organization(org_id)
        asyncio.run(provision_leaf_streams(org_id, leaf_url, registry.hub.jetstream_domain))
        print(f"streams of {org_id}'s leaf provisioned at {leaf_url}")
        return 0
    if arguments.provision:
        passwords = Secrets(arguments.out / "secrets.json")
        try:
            asyncio.run(
                provision_hub_streams(
                    registry,
                    passwords,
                    arguments.provision,
                    replicas=arguments.replicas,
                    wait_for_leaves=arguments.wait_for_leaves,
                )
            )
        except TimeoutError as waited:
            print(f"error: {waited}", file=sys.stderr)
            return 1
        print(f"streams provisioned at {arguments.provision} ({arguments.replicas} replica(s) each)")
        return 0
    addresses = Addresses(listen=arguments.listen, hub_host=arguments.hub_host, store_dir=arguments.store_dir)
    cluster = [
        HubNode(name.strip(), name.strip(), registry.hub.client_port, registry.hub.leafnode_port)
        for name in (arguments.hub_cluster or "").split(",")
        if name.strip()
    ]
    files = generate(registry, arguments.out, addresses=addresses, cluster=cluster or None)
    for path in [*(files.hub_nodes.values() or [files.hub]), *files.leaves.values()]:
        check_configuration(path)
        print(f"wrote {path} (nats-server -t: ok)")
    for path in files.service_env.values():
        print(f"wrote {path}")
    print(f"passwords in {files.secrets} (keep it out of version control)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
