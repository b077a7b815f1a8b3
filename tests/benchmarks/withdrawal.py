"""Withdrawal (sharing-policy.md §4): how long a withdrawn goal stays findable, next to how long a new goal takes
to become findable, measured in the same run on the same services.

For each of `--withdrawals` goals, one at a time: a 事業者 and its goal are written through org-records' REST API
and the exchange's search is polled until the goal is found (**visible**, the reference); then the goal is
withdrawn — by withdrawing the business's consent or deleting the goal, alternately — and search is polled until
it is gone (**unfindable**), and the hub's stream until the goal's subject holds only its tombstone
(**purged**). Times run from the org-records response to the first poll that sees the new state (polls every
`POLL_SECONDS`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from harness import BenchmarkReport, Databases, Table, median, quantile, scratch_space, selected_backends
from publish_path import bench_org_records_settings

from banso_core.messaging import GOALS_STREAM, goal_subject
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, TestRegistry, bearer_headers
from banso_core.testing.servers import NatsServer, ServedApp, running_nats_server
from banso_core.testing.streams import stream_messages
from exchange.app import create_app as create_exchange
from exchange.config import ExchangeSettings
from org_records.app import create_app as create_org_records

NAME = "withdrawal"
DESCRIPTION = "time until a withdrawn goal is unfindable in the exchange and purged from the stream"
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 30.0
WAYS = ("consent withdrawn", "goal deleted")


async def first_time(check: Callable[[], Awaitable[bool]]) -> float:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing changed within {TIMEOUT_SECONDS} s")
        await asyncio.sleep(POLL_SECONDS)
    return time.monotonic()


async def records_and_exchange(
    org_id: str, backend: str, nats_server: NatsServer, databases: Databases
) -> tuple[ServedApp, ServedApp]:
    """org-records (k = 1) and an exchange that accepts its staff's tokens (the organization in its registry),
    not yet started."""
    registry = TestRegistry(databases.scratch / f"federation-{org_id}.json")
    registry.add(org_id, "cci", name="ベンチマーク商工会")
    settings = bench_org_records_settings(
        org_id, "ベンチマーク商工会", await databases.create(backend, "org"), nats_server.url
    ).model_copy(update={"k_anonymity": 1, "signing_key_path": registry.signing_key_file(org_id)})
    exchange_settings = ExchangeSettings(
        database_url=await databases.create(backend, "exchange"),
        nats_url=nats_server.url,
        grpc_port=0,
        federation_registry=registry.path,
    )
    return ServedApp(create_org_records(settings)), ServedApp(create_exchange(exchange_settings))


async def measure_backend(
    backend: str, options: argparse.Namespace, nats_server: NatsServer, databases: Databases
) -> dict[str, list[float]]:
    records, exchange = await records_and_exchange(f"withdraw-{backend}", backend, nats_server, databases)
    timings: dict[str, list[float]] = {"visible": [], "unfindable": [], "purged": []}
    await records.start()
    await exchange.start()
    try:
        headers = await bearer_headers(records.url, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)
        async with (
            httpx.AsyncClient(base_url=records.url, headers=headers, timeout=60) as org,
            httpx.AsyncClient(base_url=exchange.url, headers=headers, timeout=60) as hub,
        ):
            for number in range(options.withdrawals):
                sample = await withdraw_one(org, hub, records, nats_server, number)
                for name, seconds in sample.items():
                    timings[name].append(seconds)
                if (number + 1) % 10 == 0:
                    print(f"  {backend:<10} {number + 1}/{options.withdrawals} withdrawn", flush=True)
    finally:
        await exchange.stop()
        await records.stop()
    return timings


async def withdraw_one(
    org: httpx.AsyncClient, hub: httpx.AsyncClient, records: ServedApp, nats_server: NatsServer, number: int
) -> dict[str, float]:
    text = f"輪島塗の器で新メニュー第{number}弾を開発する"
    business = (
        await org.post(
            "/api/v1/businesses",
            json={
                "name": f"株式会社ベンチ{number}",
                "business_form": "corporation",
                "jsic_major": "M",
                "jsic_middle": "76",
                "employees": 5,
                "sharing_consent": True,
            },
        )
    ).json()
    goal = await org.post(
        f"/api/v1/businesses/{business['id']}/goals",
        json={"set_on": "2026-06-01", "category": "new_product", "text": text},
    )
    written = time.monotonic()
    created_at = dt.datetime.fromisoformat(goal.json()["created_at"])
    goal_ref = records.app.state.org.opaque_ref("goal", goal.json()["id"], created_at)

    async def found() -> bool:
        result: dict[str, Any] = (await hub.get("/api/v1/goals/search", params={"q": text, "limit": 100})).json()
        return any(item["goal_ref"] == goal_ref for item in result["items"])

    visible = await first_time(found) - written
    if WAYS[number % len(WAYS)] == "consent withdrawn":
        response = await org.patch(f"/api/v1/businesses/{business['id']}", json={"sharing_consent": False})
    else:
        response = await org.delete(f"/api/v1/goals/{goal.json()['id']}")
    response.raise_for_status()
    withdrawn = time.monotonic()

    async def gone() -> bool:
        return not await found()

    subject = goal_subject(records.app.state.org.org_id, goal_ref)

    async def purged() -> bool:
        return len(await stream_messages(nats_server.url, GOALS_STREAM.name, subject)) == 1

    unfindable = await first_time(gone) - withdrawn
    purged_after = await first_time(purged) - withdrawn
    return {"visible": visible, "unfindable": unfindable, "purged": purged_after}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--withdrawals", type=int, default=60, help="goals shared and withdrawn per backend (60)")


async def run(options: argparse.Namespace) -> BenchmarkReport:
    backends = selected_backends(options.backends)
    table = Table(["backend", "measure", "p50 ms", "p95 ms", "max ms", "n"])
    results: dict[str, Any] = {"parameters": {"withdrawals": options.withdrawals, "poll_ms": POLL_SECONDS * 1000}}
    async with scratch_space("banso-bench-withdrawal-") as (scratch, databases):
        with running_nats_server(scratch) as nats_server:
            for backend in backends:
                timings = await measure_backend(backend, options, nats_server, databases)
                results[backend] = {}
                for name, values in timings.items():
                    figures = {
                        "p50_ms": median(values) * 1000,
                        "p95_ms": quantile(values, 0.95) * 1000,
                        "max_ms": max(values) * 1000,
                        "n": len(values),
                    }
                    results[backend][name] = figures
                    label = {"visible": "visible after sharing (reference)"}.get(name, f"{name} after withdrawal")
                    table.rows.append(
                        [
                            backend,
                            label,
                            *(f"{figures[k]:.0f}" for k in ("p50_ms", "p95_ms", "max_ms")),
                            str(len(values)),
                        ]
                    )
    notes = ["sharing-policy.md §4: purged from every downstream copy within seconds"]
    return BenchmarkReport(name=NAME, table=table, results=results, notes=notes)
