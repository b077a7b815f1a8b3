"""Load (`make load`): REST writes to org-records and exchange searches at the same time, for a few minutes, on
loopback; throughput, latency and the outbox and consumer backlogs, and at the end a count that nothing was lost.

org-records, the exchange and a nats-server run on this machine, each in its own process as they are deployed
(`python -m org_records`, `python -m exchange`); two load clients run in their own processes too — one POSTs
goals (`--load-writers` in flight) to `--load-businesses` businesses in turn, the other searches the exchange with
the labelled queries (`--load-readers` in flight). The reference, measured in the same run, is each load alone
for `--load-solo-seconds`; then both run together for `--load-seconds`. The backlogs are read from the services'
`GET /metrics` every second. At the end the outbox must drain, and the stream and the exchange must hold every
goal written, once.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from pathlib import Path
from typing import Any

import httpx
import nats
from exchange_search import load_eval_set
from harness import BenchmarkReport, Databases, LoadClient, Table, median, quantile, scratch_space, selected_backends

from banso_core.messaging import GOALS_STREAM
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, TestRegistry, bearer_headers
from banso_core.testing.servers import NatsServer, ServiceProcess, free_port, running_nats_server

NAME = "load"
DESCRIPTION = "REST writes and exchange searches at the same time: throughput, p99, backlogs, nothing lost"
CHUNK = 100
"""Requests per load-client command: the clients report after each chunk, and the time limit is checked."""
DRAIN_TIMEOUT_SECONDS = 300.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--load-seconds", type=float, default=180.0, help="load: both loads together (180)")
    group.add_argument("--load-solo-seconds", type=float, default=30.0, help="load: each load alone first (30)")
    group.add_argument("--load-writers", type=int, default=8, help="load: goal writes in flight (8)")
    group.add_argument("--load-readers", type=int, default=4, help="load: searches in flight (4)")
    group.add_argument("--load-businesses", type=int, default=40, help="load: businesses the goals go to (40)")


class Phase:
    def __init__(self, name: str) -> None:
        self.name = name
        self.counts = {"writes": 0, "searches": 0}
        self.latencies: dict[str, list[float]] = {"writes": [], "searches": []}
        self.seconds = 0.0
        self.outbox_backlog: list[int] = []
        self.consumer_lag: list[int] = []

    def rate(self, kind: str) -> float:
        return self.counts[kind] / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        figures: dict[str, Any] = {"seconds": round(self.seconds, 1)}
        for kind, latencies in self.latencies.items():
            if latencies:
                figures[kind] = {
                    "count": self.counts[kind],
                    "per_second": round(self.rate(kind), 1),
                    "p50_ms": round(median(latencies) * 1000, 1),
                    "p99_ms": round(quantile(latencies, 0.99) * 1000, 1),
                }
        figures["outbox_backlog_max"] = max(self.outbox_backlog, default=0)
        figures["consumer_lag_max"] = max(self.consumer_lag, default=0)
        return figures


async def keep_loading(
    client: LoadClient, phase: Phase, kind: str, until: float, base_url: str, paths: list[str], bodies: list[Any],
    concurrency: int, headers: dict[str, str], method: str,
) -> None:  # fmt: skip
    while time.monotonic() < until:
        reply = await client.run(base_url, paths[0], bodies, CHUNK, concurrency, headers, method=method, paths=paths)
        phase.counts[kind] += CHUNK
        phase.latencies[kind].extend(reply["latencies"])


def metric(text: str, name: str, labels: str = "") -> float:
    """One sample of a service's `GET /metrics` (0 when the service does not show it yet)."""
    found = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, flags=re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def scrape(client: httpx.AsyncClient, url: str) -> str:
    return (await client.get(f"{url}/metrics")).text


async def sample_backlogs(phase: Phase, records: ServiceProcess, exchange: ServiceProcess, until: float) -> None:
    """The backlogs as an operator sees them: from each service's `GET /metrics`, every second."""
    async with httpx.AsyncClient(timeout=10) as client:
        while time.monotonic() < until:
            phase.outbox_backlog.append(int(metric(await scrape(client, records.url), "banso_outbox_backlog")))
            exchange_metrics = await scrape(client, exchange.url)
            lag = sum(
                metric(exchange_metrics, name, '{durable="exchange"}')
                for name in ("banso_consumer_pending_messages", "banso_consumer_unacked_messages")
            )
            phase.consumer_lag.append(int(lag))
            await asyncio.sleep(1.0)


def service_processes(
    backend: str, scratch: Path, nats_url: str, records_database: str, exchange_database: str
) -> tuple[ServiceProcess, ServiceProcess]:
    """org-records and the exchange as `python -m` processes of their own, as they run for real (in one process
    the exchange's searches would take the event loop from org-records' writes); the exchange knows the
    organization's key."""
    org_id = f"load-{backend}"
    registry = TestRegistry(scratch / f"federation-{org_id}.json")
    registry.add(org_id, "cci", name="負荷試験商工会")
    records_port, exchange_port = free_port(), free_port()
    records = ServiceProcess(
        "org_records",
        {
            "ORG_RECORDS_ORG_ID": org_id,
            "ORG_RECORDS_ORG_NAME": "負荷試験商工会",
            "ORG_RECORDS_DATABASE_URL": records_database,
            "ORG_RECORDS_NATS_URL": nats_url,
            "ORG_RECORDS_HTTP_PORT": str(records_port),
            "ORG_RECORDS_GRPC_PORT": "0",
            "ORG_RECORDS_SHARING_SECRET": "load-secret",
            "ORG_RECORDS_K_ANONYMITY": "1",
            "ORG_RECORDS_SIGNING_KEY_PATH": str(registry.signing_key_file(org_id)),
            "ORG_RECORDS_BOOTSTRAP_ADMIN_LOGIN": TEST_ADMIN_LOGIN,
            "ORG_RECORDS_BOOTSTRAP_ADMIN_PASSWORD": TEST_ADMIN_PASSWORD,
            "ORG_RECORDS_TOKEN_TTL_MINUTES": "1440",
            "ORG_RECORDS_LOG_LEVEL": "WARNING",
        },
        records_port,
        scratch / f"org-records-{backend}.log",
    )
    exchange = ServiceProcess(
        "exchange",
        {
            "EXCHANGE_DATABASE_URL": exchange_database,
            "EXCHANGE_NATS_URL": nats_url,
            "EXCHANGE_HTTP_PORT": str(exchange_port),
            "EXCHANGE_GRPC_PORT": "0",
            "EXCHANGE_FEDERATION_REGISTRY": str(registry.path),
            "EXCHANGE_LOG_LEVEL": "WARNING",
        },
        exchange_port,
        scratch / f"exchange-{backend}.log",
    )
    return records, exchange


async def measure_backend(
    backend: str, options: argparse.Namespace, nats_server: NatsServer, databases: Databases
) -> tuple[list[Phase], dict[str, int]]:
    records, exchange = service_processes(
        backend,
        databases.scratch,
        nats_server.url,
        await databases.create(backend, "org"),
        await databases.create(backend, "exchange"),
    )
    writer, reader = LoadClient(), LoadClient()
    phases: list[Phase] = []
    try:
        await records.start()
        await exchange.start()
        await writer.start()
        await reader.start()
        headers = await bearer_headers(records.url, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)
        staff_id, business_ids = await seed_register(records.url, headers, options.load_businesses)
        goals, queries = load_eval_set()
        goal_bodies = [
            {"set_on": "2026-06-01", "category": goal.category, "text": goal.text, "staff_id": staff_id}
            for goal in goals
        ]
        searches = [{"q": query.q, "limit": 20} for query in queries]
        # Goals go to the businesses in turn (an advisor's register, not one business with thousands of goals).
        goal_paths = [f"/api/v1/businesses/{business_id}/goals" for business_id in business_ids]
        writes = (writer, "writes", records.url, goal_paths, goal_bodies, options.load_writers, headers, "POST")
        reads = (reader, "searches", exchange.url, ["/api/v1/goals/search"], searches, options.load_readers,
                 headers, "GET")  # fmt: skip
        for name, loads, seconds in (
            ("writes alone", [writes], options.load_solo_seconds),
            ("searches alone", [reads], options.load_solo_seconds),
            ("both together", [writes, reads], options.load_seconds),
        ):
            phase = Phase(name)
            started = time.monotonic()
            until = started + seconds
            await asyncio.gather(
                sample_backlogs(phase, records, exchange, until),
                *(keep_loading(load[0], phase, load[1], until, *load[2:]) for load in loads),
            )
            phase.seconds = time.monotonic() - started
            phases.append(phase)
            print(f"  {backend:<10} {name}: {phase.summary()}", flush=True)
        written = sum(phase.counts["writes"] for phase in phases)
        check = await settle_and_count(records, exchange, nats_server.url, f"load-{backend}", headers, written)
    finally:
        await writer.stop()
        await reader.stop()
        exchange.stop()
        records.stop()
    return phases, check


async def seed_register(url: str, headers: dict[str, str], businesses: int) -> tuple[int, list[int]]:
    """A 担当者 and `businesses` consenting 事業者 of a few industries, through the API."""
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        advisor = {"display_name": "北村 担当", "email": "kitamura@cci.example"}
        staff = (await client.post("/api/v1/staff", json=advisor)).json()
        ids = []
        for number in range(businesses):
            body = {
                "name": f"株式会社負荷試験{number}",
                "business_form": "corporation",
                "jsic_major": ("E", "I", "M")[number % 3],
                "jsic_middle": ("09", "58", "76")[number % 3],
                "employees": 3 + number % 30,
                "sharing_consent": True,
                "staff_id": staff["id"],
            }
            response = await client.post("/api/v1/businesses", json=body)
            response.raise_for_status()
            ids.append(response.json()["id"])
    return staff["id"], ids


async def settle_and_count(
    records: ServiceProcess,
    exchange: ServiceProcess,
    nats_url: str,
    org_id: str,
    headers: dict[str, str],
    written: int,
) -> dict[str, int]:
    """Wait until the outbox is drained and the exchange holds as many goals as were written; count both ends."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    stored = 0
    async with httpx.AsyncClient(timeout=30) as client:
        while time.monotonic() < deadline:
            listed = await client.get(f"{exchange.url}/api/v1/goals/search", params={"limit": 1}, headers=headers)
            stored = int(listed.json()["total"])
            if stored >= written and metric(await scrape(client, records.url), "banso_outbox_backlog") == 0:
                break
            await asyncio.sleep(0.5)
    link = await nats.connect(nats_url)
    try:
        # This run's organization only: the stream holds the other backend's goals too.
        info = await link.jetstream().stream_info(GOALS_STREAM.name, subjects_filter=f"banso.goals.{org_id}.>")
        in_stream = sum((info.state.subjects or {}).values())
    finally:
        await link.close()
    return {"written": written, "in_stream": in_stream, "in_exchange": stored}


async def run(options: argparse.Namespace) -> BenchmarkReport:
    backends = selected_backends(options.backends)
    table = Table(["backend", "phase", "writes/s", "write p50 / p99 ms", "searches/s", "search p50 / p99 ms",
                   "outbox backlog max", "consumer lag max"])  # fmt: skip
    results: dict[str, Any] = {"backends": {}}
    notes = []
    async with scratch_space("banso-load-") as (scratch, databases):
        with running_nats_server(scratch) as nats_server:
            for backend in backends:
                phases, check = await measure_backend(backend, options, nats_server, databases)
                for phase in phases:
                    figures = phase.summary()
                    write, search = figures.get("writes", {}), figures.get("searches", {})
                    table.rows.append([
                        backend, phase.name,
                        f"{write.get('per_second', 0):,.1f}" if write else "",
                        f"{write['p50_ms']} / {write['p99_ms']}" if write else "",
                        f"{search.get('per_second', 0):,.1f}" if search else "",
                        f"{search['p50_ms']} / {search['p99_ms']}" if search else "",
                        str(figures["outbox_backlog_max"]), str(figures["consumer_lag_max"]),
                    ])  # fmt: skip
                lost = check["written"] - check["in_exchange"]
                notes.append(
                    f"{backend}: {check['written']:,} goals written, {check['in_stream']:,} in the stream, "
                    f"{check['in_exchange']:,} in the exchange — "
                    + ("nothing lost or repeated" if lost == 0 and check["in_stream"] == check["written"] else
                       f"MISMATCH ({lost} missing from the exchange)")
                )  # fmt: skip
                results["backends"][backend] = {"phases": {p.name: p.summary() for p in phases}, "check": check}
    return BenchmarkReport(NAME, table, results, notes)
