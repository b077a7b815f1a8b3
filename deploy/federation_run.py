"""The federation's deployed topology on one machine: `make run-federation` (Ctrl-C stops it).

Unlike `make run` (one nats-server for everyone), this starts what a deployment runs, from the generated NATS
configuration (`banso_core.nats_config`): the hub's nats-server with one account per organization and per hub
service, and one leaf nats-server per organization. Each organization's records service talks only to its own
leaf; the exchange, analytics and notices talk only to the hub, each as its own account's user. Messages cross
between them by JetStream sourcing, provisioned here as an operator would (docs/federation.md).

The registry (var/federation.toml) is written from the demo organizations and their signing keys, with the hub on
loopback. Data, keys, generated configuration and logs live under var/ (BANSO_VAR_DIR); delete it to start over.

    python deploy/federation_run.py [--orgs kanazawa-cci,nanao-cci] [--no-demo] [--postgres URL]

Environment: BANSO_PORT_OFFSET and BANSO_VAR_DIR as for `make run`; ORG_RECORDS_*, EXCHANGE_*, ANALYTICS_*,
NOTICES_* pass through to the services.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nats
from local_federation import (
    LOGS,
    ORGANIZATIONS,
    PREFECTURE,
    STARTUP_TIMEOUT,
    VAR,
    ChildProcess,
    FederationError,
    Launch,
    Organization,
    Service,
    StopSignals,
    call_json,
    environment_int,
    federation_services,
    load_all_demo_data,
    load_demo_notices,
    pause,
    port_is_free,
    port_is_open,
    print_table,
    relative,
    run_until_stopped,
    say,
    signing_key_path,
    wait_until,
    wait_until_healthy,
)

from banso_core.messaging import GOALS_STREAM, INQUIRIES_STREAM, NOTICES_STREAM, OUTCOMES_STREAM, nats_server_binary
from banso_core.nats_config import (
    Secrets,
    generate,
    provision_hub_streams,
    provision_leaf_streams,
)
from banso_core.registry import FederationRegistry, Member, load_registry, registry_toml
from banso_core.tokens import TokenIssuer, load_or_create_signing_key, public_key_pem

HOST = "127.0.0.1"
ALL_ORGANIZATIONS = (*ORGANIZATIONS, PREFECTURE)
HUB_CLIENT_PORT = 4222
HUB_LEAFNODE_PORT = 7422
HUB_MONITOR_PORT = 8222
LEAF_PORTS = {org.org_id: 4231 + index for index, org in enumerate(ALL_ORGANIZATIONS)}
LEAF_STREAMS = {GOALS_STREAM.name, OUTCOMES_STREAM.name, INQUIRIES_STREAM.name, NOTICES_STREAM.name}
"""What an organization's records service makes in its leaf before the leaf's streams can be provisioned."""
DELIVERY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Ports:
    """Every port of the topology, moved by BANSO_PORT_OFFSET."""

    offset: int

    @property
    def hub_client(self) -> int:
        return HUB_CLIENT_PORT + self.offset

    @property
    def hub_leafnode(self) -> int:
        return HUB_LEAFNODE_PORT + self.offset

    @property
    def hub_monitor(self) -> int:
        """nats-server's monitoring endpoint at the hub (/connz, /leafz), on loopback only."""
        return HUB_MONITOR_PORT + self.offset

    def leaf(self, org_id: str) -> int:
        return LEAF_PORTS[org_id] + self.offset


@dataclass
class ConfiguredBroker(ChildProcess):
    """A nats-server started from a generated configuration file."""

    config: Path = Path()
    port: int = 0
    monitor_port: int | None = None

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    def start(self) -> None:
        command = [nats_server_binary(), "-c", str(self.config)]
        if self.monitor_port is not None:
            command += ["-m", str(self.monitor_port)]
        self.launch(command, dict(os.environ))
        wait_until(lambda: port_is_open(HOST, self.port), self, "did not listen on its port")


@dataclass
class Topology:
    registry: FederationRegistry
    passwords: Secrets
    hub: ConfiguredBroker
    leaves: dict[str, ConfiguredBroker]
    org_records: dict[str, Service]
    hub_services: dict[str, Service]

    @property
    def brokers(self) -> list[ChildProcess]:
        return [*self.leaves.values(), self.hub]

    @property
    def services(self) -> list[Service]:
        return [*self.org_records.values(), *self.hub_services.values()]

    def hub_url_of(self, user: str) -> str:
        return f"nats://{user}:{self.passwords.password(user)}@{HOST}:{self.hub.port}"


def selected_organizations(names: str | None) -> list[Organization]:
    if not names:
        return list(ALL_ORGANIZATIONS)
    known = {org.org_id: org for org in ALL_ORGANIZATIONS}
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise FederationError(f"--orgs: unknown {', '.join(unknown) or '(none given)'}; one of {', '.join(known)}")
    return [known[name] for name in wanted]


def write_registry(organizations: list[Organization], ports: Ports) -> Path:
    members = [
        Member(org.org_id, org.name, org.kind, public_key_pem(load_or_create_signing_key(signing_key_path(org.org_id))))
        for org in organizations
    ]
    path = VAR / "federation.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = registry_toml(members, host=HOST, client_port=ports.hub_client, leafnode_port=ports.hub_leafnode)
    path.write_text(text, encoding="utf-8")
    return path


async def create_databases(admin_url: str, names: list[str], prefix: str) -> dict[str, str]:
    """One PostgreSQL database per service (`<prefix><service>`), made when missing; returns their URLs."""
    import asyncpg

    base = admin_url.rsplit("/", 1)[0] if admin_url.count("/") > 2 else admin_url
    try:
        connection = await asyncpg.connect(admin_url)
    except (OSError, asyncpg.PostgresError) as error:
        raise FederationError(f"--postgres: cannot connect to {admin_url}: {error}") from None
    urls = {}
    try:
        for name in names:
            database = prefix + name.replace("-", "_")
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
                await connection.execute(f'CREATE DATABASE "{database}"')
            urls[name] = f"{base}/{database}"
    finally:
        await connection.close()
    return urls


def plan(organizations: list[Organization], ports: Ports, postgres: str | None, prefix: str = "banso_") -> Topology:
    """Registry, generated configuration and every process, none started yet."""
    registry_path = write_registry(organizations, ports)
    registry = load_registry(registry_path)
    leaf_ports = {org.org_id: ports.leaf(org.org_id) for org in organizations}
    files = generate(registry, VAR / "nats-federation", leaf_ports=leaf_ports)
    hub = ConfiguredBroker("nats-hub", config=files.hub, port=ports.hub_client, monitor_port=ports.hub_monitor)
    leaves = {
        org_id: ConfiguredBroker(f"nats-leaf-{org_id}", config=files.leaves[org_id], port=port)
        for org_id, port in leaf_ports.items()
    }
    services, _ = federation_services(ports.offset)
    wanted = {f"org-records-{org.org_id}" for org in organizations} | {"exchange", "analytics", "notices"}
    services = [service for service in services if service.name in wanted]
    databases = asyncio.run(create_databases(postgres, [s.name for s in services], prefix)) if postgres else {}
    for service in services:
        service.settings["FEDERATION_REGISTRY"] = str(registry_path)
        if service.name in databases:
            service.settings["DATABASE_URL"] = databases[service.name]
    org_records = {service.name.removeprefix("org-records-"): service for service in services[: len(organizations)]}
    hub_services = {service.name: service for service in services[len(organizations) :]}
    return Topology(registry, Secrets(files.secrets), hub, leaves, org_records, hub_services)


def check_ports_free(topology: Topology) -> None:
    wanted = [(service.name, port) for service in topology.services for port in (service.http_port, service.grpc_port)]
    wanted += [(broker.name, broker.port) for broker in [topology.hub, *topology.leaves.values()]]
    wanted += [("nats-hub (leaf nodes)", topology.registry.hub.leafnode_port)]
    wanted += [("nats-hub (monitoring)", topology.hub.monitor_port or 0)]
    taken = [f"{port} ({name})" for name, port in wanted if not port_is_free(port)]
    if taken:
        raise FederationError(
            f"ports already in use: {', '.join(taken)}. Is a federation already running? "
            "If not, move every port with BANSO_PORT_OFFSET=10000"
        )


async def leaf_streams_made(leaf: ConfiguredBroker, service: Service) -> None:
    """Wait until the records service has made its streams in its leaf (they are then provisioned to source)."""
    client = await nats.connect(leaf.url, connect_timeout=5)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            held = {str(info.config.name) for info in await client.jetstream().streams_info()}
            if LEAF_STREAMS <= held:
                return
            if service.has_exited():
                raise service.failure("exited while starting")
            if time.monotonic() > deadline:
                raise service.failure(f"made only {sorted(held)} in its leaf within {STARTUP_TIMEOUT:.0f} s")
            StopSignals.check()
            await asyncio.sleep(0.1)
    finally:
        await client.close()


def start(topology: Topology, *, demo: bool) -> None:
    started_at = time.monotonic()
    check_ports_free(topology)
    LOGS.mkdir(parents=True, exist_ok=True)
    say(f"Logs: {relative(LOGS)}/ (one file per process)")
    topology.hub.start()
    for leaf in topology.leaves.values():
        leaf.start()
    say(f"hub nats-server on {topology.hub.url}, {len(topology.leaves)} leaf nats-servers")
    for org_id, service in topology.org_records.items():
        service.start(topology.leaves[org_id].url)
    wait_until_healthy(list(topology.org_records.values()))
    for org_id, service in topology.org_records.items():
        asyncio.run(leaf_streams_made(topology.leaves[org_id], service))
    asyncio.run(provision_hub_streams(topology.registry, topology.passwords, topology.hub.url))
    for org_id, leaf in topology.leaves.items():
        asyncio.run(provision_leaf_streams(org_id, leaf.url, topology.registry.hub.jetstream_domain))
    say("streams provisioned at the hub and in every leaf")
    for name, service in topology.hub_services.items():
        service.start(topology.hub_url_of(name))
    wait_until_healthy(list(topology.hub_services.values()))
    say(f"{len(topology.services)} services answer /healthz")
    if demo:
        load_demo(topology)
    say(f"\nBansō federation (hub and leaf nodes) is up ({time.monotonic() - started_at:.1f} s).")
    print_summary(topology)


def load_demo(topology: Topology) -> None:
    say("Loading the demo data through each organization's REST API …")
    organizations = tuple(org for org in ORGANIZATIONS if org.org_id in topology.org_records)
    load_all_demo_data([topology.org_records[org.org_id] for org in organizations], organizations)
    if len(topology.org_records) == len(ALL_ORGANIZATIONS):  # the demo notices address each of them
        say(load_demo_notices(topology.org_records[PREFECTURE.org_id], topology.hub_services["notices"]))
    shared = wait_for_shared_goals(topology)
    say(f"exchange: {shared} shared goals searchable")


def wait_for_shared_goals(topology: Topology) -> int:
    """Wait until the number of goals at the exchange stops growing after it first shows some."""
    org_id = next(iter(topology.org_records))
    issuer = TokenIssuer(org_id, load_or_create_signing_key(signing_key_path(org_id)), dt.timedelta(minutes=5))
    token = issuer.issue(0, "advisor", "make run-federation")
    exchange = topology.hub_services["exchange"]
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    seen, steady_since = 0, time.monotonic()
    while time.monotonic() < deadline:
        url = f"{exchange.base_url}/api/v1/goals/search?limit=1"
        total = int(call_json("GET", url, token=token)["total"])
        if total != seen:
            seen, steady_since = total, time.monotonic()
        elif seen and time.monotonic() - steady_since > 3:
            break
        pause(0.5)
    return seen


def print_summary(topology: Topology) -> None:
    rows = [["process", "REST", "NATS"]]
    for org_id, service in topology.org_records.items():
        rows.append([service.label, f"{service.base_url}/", f"leaf {topology.leaves[org_id].url}"])
    for name, service in topology.hub_services.items():
        rows.append([service.label, f"{service.base_url}/api/v1", f"hub {topology.hub.url} as {name}"])
    say()
    print_table(rows)
    say(f"\n  hub monitoring  http://{HOST}:{topology.hub.monitor_port}/leafz  (/connz?auth=true)")
    say(f"  configuration   {relative(topology.passwords.path.parent)}/ (hub.conf, leaf-<org>.conf, secrets.json)")
    say(f"  logs            {relative(LOGS)}/<process>.log    data  {relative(VAR)}/ (delete it to start over)")
    say("\nDemo logins as for `make run` (demo-advisor, demo-admin, demo-prefecture; password `demo`).")
    say("Ctrl-C stops everything.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", help="comma-separated organization ids (default: all four demo organizations)")
    parser.add_argument(
        "--no-demo", action="store_true", help="start empty: no demo records or notices (the demo logins remain)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server (postgresql://user@host:5432/postgres): one database per service, made when "
        "missing; SQLite files under var/ otherwise",
    )
    parser.add_argument("--database-prefix", default="banso_", help="with --postgres: databases are <prefix><service>")
    arguments = parser.parse_args(argv)

    def prepare() -> Launch:
        organizations = selected_organizations(arguments.orgs)
        ports = Ports(environment_int("BANSO_PORT_OFFSET", 0))
        topology = plan(organizations, ports, arguments.postgres, arguments.database_prefix)
        return topology.services, topology.brokers, lambda: start(topology, demo=not arguments.no_demo)

    return run_until_stopped(prepare)


if __name__ == "__main__":
    sys.exit(main())
