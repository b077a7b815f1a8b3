"""Record writes (performance.md): 支援記録 (support sessions) and 目標 (goals) written per second through
org-records' REST API, next to a bare FastAPI endpoint doing the same single-row insert in the same run.

- **service**: `POST /api/v1/businesses/{id}/sessions` and `POST /api/v1/businesses/{id}/goals` on the real
  org-records app: body validation, business and 担当者 lookups, the goal's outbox row (scrub, summary) in the
  same transaction, and whatever else the service does on a write.
- **bare**: the same paths on a FastAPI app that takes the JSON body as it comes and inserts one row with the
  same models and the same `Database`/`DbSession` plumbing: no validation, no lookups, no outbox, no relay.

The rate is writes *answered* per second (the first request to the last response). The relay's publishing is
`publish_path`'s subject; here the outbox is drained between rounds so that it never runs into the next one.
Headline: cost of the service path = 1 − service rate ÷ bare rate, medians over rounds that alternate variants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

import publish_path
from fastapi import Body, FastAPI, status
from harness import (
    BenchmarkReport,
    Databases,
    LoadClient,
    Table,
    load_client,
    median,
    quantile,
    scratch_space,
    selected_backends,
)
from publish_path import drained_at, goal_bodies

from banso_core.testing.servers import NatsServer, ServedApp, running_nats_server
from org_records.app import create_app as create_org_records
from org_records.db import DbSession
from org_records.goal.models import Goal
from org_records.support_session.models import SupportSession

NAME = "record_writes"
DESCRIPTION = "support sessions/s and goals/s through REST (with the outbox), against a bare single-row insert"
KINDS = ("sessions", "goals")
VARIANTS = ("bare", "service")

SESSION_NOTES = [
    "売上の推移と今期の見通しを確認し、ECサイトの改修案を一緒に整理した。",
    "後継者と同席のうえ、主要取引先への引継ぎ計画を聞き取った。",
    "補助金の申請書の事業計画部分について、数値目標の根拠を確認した。",
    "設備更新の見積もりを比較し、資金繰り表への影響を試算した。",
]


def session_bodies(staff_id: int) -> list[dict[str, Any]]:
    channels = ("visit", "counter", "online", "phone")
    approaches = ("listening", "dialogue", "directive")
    attitudes = ("positive", "passive", "negative")
    return [
        {
            "held_on": (dt.date(2026, 4, 1) + dt.timedelta(days=index)).isoformat(),
            "channel": channels[index % len(channels)],
            "minutes": 30 + 15 * index,
            "approach": approaches[index % len(approaches)],
            "attitude": attitudes[index % len(attitudes)],
            "notes": notes,
            "next_action": "次回までに改修費用の見積もりを2社から取る",
            "staff_id": staff_id,
        }
        for index, notes in enumerate(SESSION_NOTES)
    ]


def bodies_for(kind: str, staff_id: int) -> list[dict[str, Any]]:
    return session_bodies(staff_id) if kind == "sessions" else goal_bodies(staff_id)


RawBody = Annotated[dict[str, Any], Body()]


def create_bare_app(database_url: str) -> FastAPI:
    """The reference: the two paths, each inserting the body as one row, nothing more."""
    app = publish_path.bare_app("bare record inserts (record-writes reference)", database_url)

    @app.post("/api/v1/businesses/{business_id}/sessions", status_code=status.HTTP_201_CREATED)
    async def record_session(business_id: int, session: DbSession, body: RawBody) -> dict[str, int]:
        record = SupportSession(business_id=business_id, **(body | {"held_on": dt.date.fromisoformat(body["held_on"])}))
        session.add(record)
        await session.flush()
        return {"id": record.id}

    @app.post("/api/v1/businesses/{business_id}/goals", status_code=status.HTTP_201_CREATED)
    async def create_goal(business_id: int, session: DbSession, body: RawBody) -> dict[str, int]:
        goal = Goal(business_id=business_id, **(body | {"set_on": dt.date.fromisoformat(body["set_on"])}))
        session.add(goal)
        await session.flush()
        return {"id": goal.id}

    return app


@dataclass
class Target(publish_path.Target):
    def path_of(self, kind: str) -> str:
        return f"/api/v1/businesses/{self.business_id}/{kind}"


@dataclass
class Round:
    variant: str
    backend: str
    kind: str
    number: int
    rate: float
    cpu_ms_per_write: float
    """CPU of this process (the servers and the relay), not of the load client."""
    latencies: list[float] = field(repr=False)

    def summary(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "rate": round(self.rate, 1),
            "server_cpu_ms_per_write": round(self.cpu_ms_per_write, 3),
            "p50_ms": round(quantile(self.latencies, 0.50) * 1000, 2),
            "p99_ms": round(quantile(self.latencies, 0.99) * 1000, 2),
        }


async def settle(target: Target) -> None:
    """Let the service's relay publish what the round left, outside the measured time."""
    if target.variant == "service":
        await drained_at(target.database)


async def measure(
    target: Target, backend: str, kind: str, number: int, options: argparse.Namespace, load: LoadClient
) -> Round:
    writes, concurrency = options.writes, options.concurrency
    cpu_before = time.process_time()
    reply = await load.run(
        target.served.url,
        target.path_of(kind),
        bodies_for(kind, target.staff_id),
        writes,
        concurrency,
        headers=target.headers,
    )
    server_cpu = time.process_time() - cpu_before
    await settle(target)
    return Round(
        variant=target.variant,
        backend=backend,
        kind=kind,
        number=number,
        rate=writes / (reply["finished"] - reply["started"]),
        cpu_ms_per_write=server_cpu * 1000 / writes,
        latencies=reply["latencies"],
    )


async def measure_backend(
    backend: str, options: argparse.Namespace, nats_server: NatsServer, databases: Databases, load: LoadClient
) -> list[Round]:
    settings = publish_path.bench_org_records_settings(
        f"bench-writes-{backend}",
        "ベンチマーク商工会",
        await databases.create(backend, "record-writes-service"),
        nats_server.url,
    )
    targets = [
        Target("bare", ServedApp(create_bare_app(await databases.create(backend, "record-writes-bare")))),
        Target("service", ServedApp(create_org_records(settings))),
    ]
    rounds: list[Round] = []
    started: list[ServedApp] = []
    try:
        for target in targets:
            started.append(target.served)
            await target.start()
            for kind in KINDS:
                if options.warmup:
                    bodies = bodies_for(kind, target.staff_id)
                    await load.run(
                        target.served.url,
                        target.path_of(kind),
                        bodies,
                        options.warmup,
                        options.concurrency,
                        headers=target.headers,
                    )
            await settle(target)
        for number in range(1, options.rounds + 1):
            for kind in KINDS:
                for target in targets if number % 2 else reversed(targets):
                    result = await measure(target, backend, kind, number, options, load)
                    rounds.append(result)
                    print(
                        f"  {backend:<10} {kind:<8} {target.variant:<7} round {number}: {result.rate:7.1f} writes/s",
                        flush=True,
                    )
    finally:
        for served in reversed(started):
            await served.stop()
    return rounds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument(
        "--writes", type=int, default=1_000, help="sessions, and goals, written per variant and round (1000)"
    )
    # --concurrency and --warmup are publish_path's and shared by both (run.py builds one parser).


def report(rounds: list[Round], options: argparse.Namespace, backends: list[str]) -> BenchmarkReport:
    table = Table(["kind", "variant", "backend", "writes/s (median)", "p50 ms", "p99 ms", "CPU ms/write", "cost"])
    results: dict[str, Any] = {
        "parameters": {
            "writes": options.writes,
            "concurrency": options.concurrency,
            "rounds": options.rounds,
            "warmup": options.warmup,
        },
        "backends": {},
    }
    notes = []
    for backend in backends:
        results["backends"][backend] = {}
        for kind in KINDS:
            found = {
                variant: [r for r in rounds if (r.backend, r.kind, r.variant) == (backend, kind, variant)]
                for variant in VARIANTS
            }
            rates = {variant: median([r.rate for r in found[variant]]) for variant in VARIANTS}
            cpu = {variant: median([r.cpu_ms_per_write for r in found[variant]]) for variant in VARIANTS}
            cost = 1 - rates["service"] / rates["bare"]
            by_variant: dict[str, Any] = {}
            for variant in VARIANTS:
                latencies = [latency for r in found[variant] for latency in r.latencies]
                p50, p99 = quantile(latencies, 0.50) * 1000, quantile(latencies, 0.99) * 1000
                by_variant[variant] = {
                    "rate_median": round(rates[variant], 1),
                    "p50_ms": round(p50, 2),
                    "p99_ms": round(p99, 2),
                    "server_cpu_ms_per_write_median": round(cpu[variant], 3),
                    "rounds": [r.summary() for r in found[variant]],
                }
                table.rows.append(
                    [
                        kind,
                        variant,
                        backend,
                        f"{rates[variant]:.1f}",
                        f"{p50:.1f}",
                        f"{p99:.1f}",
                        f"{cpu[variant]:.2f}",
                        f"{cost:.1%}" if variant == "service" else "reference",
                    ]
                )
            results["backends"][backend][kind] = {
                "variants": by_variant,
                "service_cost": round(cost, 4),
                "service_cost_by_cpu": round(1 - cpu["bare"] / cpu["service"], 4),
            }
            notes.append(
                f"{backend} {kind}: service {rates['service']:.0f}/s against bare {rates['bare']:.0f}/s; "
                f"server CPU {cpu['bare']:.2f} → {cpu['service']:.2f} ms per write"
            )
    return BenchmarkReport(name=NAME, table=table, results=results, notes=notes)


async def run(options: argparse.Namespace) -> BenchmarkReport:
    backends = selected_backends(options.backends)
    rounds: list[Round] = []
    async with scratch_space("banso-bench-writes-") as (scratch, databases), load_client() as load:
        with running_nats_server(scratch) as nats_server:
            for backend in backends:
                rounds += await measure_backend(backend, options, nats_server, databases, load)
    return report(rounds, options, backends)
