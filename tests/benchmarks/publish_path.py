"""Publish path (performance.md): goals per second through org-records' REST API, outbox and relay, next to a
bare FastAPI endpoint doing the same goal insert in the same run.

- **outbox**: `POST /api/v1/businesses/{id}/goals` on the real org-records app. The goal row and its outbox row
  commit in one transaction; the relay publishes to JetStream and marks rows sent. A round ends when the
  outbox backlog is 0, so the rate counts goals *published*, not only answered.
- **bare**: the same path, body validation (`GoalFields`), `Goal` model, `Database.open` engine setup and
  commit-at-the-edge session, but only the goal insert: no business/staff lookup, summary, outbox or relay.

Headline: outbox overhead = 1 − (outbox rate / bare rate), medians over rounds that alternate the variants;
target ≤ 30 %.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import nats
from fastapi import FastAPI, status
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

from banso_core.db import Database
from banso_core.messaging import GOALS_STREAM
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, bearer_headers
from banso_core.testing.servers import NatsServer, ServedApp, running_nats_server
from org_records.app import create_app as create_org_records
from org_records.business.models import Business
from org_records.config import OrgRecordsSettings
from org_records.db import MIGRATIONS, DbSession
from org_records.goal.models import Goal
from org_records.goal.schemas import GoalFields, GoalOut
from org_records.outbox.repository import OutboxRepository
from org_records.staff.models import Staff

NAME = "publish_path"
DESCRIPTION = "goals/s through REST + outbox + relay to JetStream, against a bare insert endpoint"
OVERHEAD_TARGET = 0.30
DRAIN_POLL_SECONDS = 0.005
DRAIN_TIMEOUT_SECONDS = 120.0

# Two of the ten carry what the publishing edge must scrub (a person's name, a phone number).
GOAL_TEXTS = [
    ("sales_channel", "ECサイトで県外の新規顧客を開拓し、売上の2割をネット通販にする"),
    ("digital", "受発注をクラウド化して事務作業を月20時間減らす"),
    ("new_product", "地元の果物を使った焼き菓子を開発し、道の駅で販売する"),
    ("talent", "若手職人を2名採用し、3年で一人前に育てる"),
    ("succession", "後継者の山田健太さんに営業を引き継ぎ、主要取引先への挨拶回りを終える"),
    ("productivity", "生産ラインの段取り替えを見直し、残業を半減させる"),
    ("finance", "日本政策金融公庫の融資で運転資金を確保し、資金繰り表を毎月更新する"),
    ("capex", "省エネ型の冷蔵設備を導入し、電気代を15%削減する"),
    ("recovery", "BCPを策定し、災害時でも3日以内に営業を再開できるようにする"),
    ("sales_channel", "問い合わせ窓口（0761-78-0001）をウェブサイトに載せ、新規の引き合いを月10件にする"),
]


def goal_bodies(staff_id: int) -> list[dict[str, Any]]:
    """Request bodies the load client takes in turn; `staff_id` is explicit so both variants store equal rows."""
    return [
        {"set_on": "2026-04-10", "category": category, "text": text, "staff_id": staff_id, "plan_theme": "伴走支援"}
        for category, text in GOAL_TEXTS
    ]


def bare_app(title: str, database_url: str) -> FastAPI:
    """A reference app with only org-records' database (same migrations, same request session), no routes yet."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.database = await Database.open(database_url, migrations=MIGRATIONS)
        try:
            yield
        finally:
            await app.state.database.close()

    return FastAPI(title=title, lifespan=lifespan)


def create_bare_app(database_url: str) -> FastAPI:
    """The reference: one FastAPI endpoint that validates a goal and inserts it, nothing more."""
    app = bare_app("bare goal insert (publish-path reference)", database_url)

    @app.post("/api/v1/businesses/{business_id}/goals", status_code=status.HTTP_201_CREATED, response_model=GoalOut)
    async def create_goal(business_id: int, fields: GoalFields, session: DbSession) -> GoalOut:
        goal = Goal(business_id=business_id, **fields.model_dump())
        session.add(goal)
        await session.flush()
        return GoalOut.model_validate(goal)

    return app


def bench_org_records_settings(org_id: str, org_name: str, database_url: str, nats_url: str) -> OrgRecordsSettings:
    """org-records as benchmarked: its own organization, a bootstrap admin, a token that outlives the run."""
    return OrgRecordsSettings(
        org_id=org_id,
        org_name=org_name,
        database_url=database_url,
        nats_url=nats_url,
        grpc_port=0,
        sharing_secret="bench-secret",
        bootstrap_admin_login=TEST_ADMIN_LOGIN,
        bootstrap_admin_password=TEST_ADMIN_PASSWORD,
        token_ttl_minutes=24 * 60,
    )


async def seed_business(database: Database) -> tuple[int, int]:
    """A 担当者 and a consenting 事業者, written directly so that both variants start from the same rows."""
    async with database.session() as session:
        staff = Staff(display_name="北村 担当", email="kitamura@cci.example")
        session.add(staff)
        await session.flush()
        business = Business(
            name="有限会社加賀漆器工房",
            business_form="corporation",
            jsic_major="E",
            jsic_middle="32",
            employees=4,
            sharing_consent=True,
            staff_id=staff.id,
        )
        session.add(business)
        await session.commit()
        return business.id, staff.id


async def outbox_backlog(database: Database) -> int:
    async with database.session() as session:
        return await OutboxRepository().backlog(session)


async def drained_at(database: Database) -> float:
    """The monotonic time at which the backlog was first seen empty."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    while await outbox_backlog(database) > 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the outbox did not drain within {DRAIN_TIMEOUT_SECONDS} s")
        await asyncio.sleep(DRAIN_POLL_SECONDS)
    return time.monotonic()


@dataclass
class Target:
    """One variant served on loopback, with the business its goals belong to."""

    variant: str
    served: ServedApp
    business_id: int = 0
    staff_id: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    """The org admin's token for org-records (the bare app has no sign-in)."""

    @property
    def database(self) -> Database:
        database: Database = self.served.app.state.database
        return database

    @property
    def signs_in(self) -> bool:
        return self.variant != "bare"

    async def start(self) -> None:
        """Serve it, seed its business, and sign in where the app asks for a token."""
        await self.served.start()
        self.business_id, self.staff_id = await seed_business(self.database)
        if self.signs_in:
            self.headers = await bearer_headers(self.served.url, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)

    @property
    def path(self) -> str:
        return f"/api/v1/businesses/{self.business_id}/goals"

    @property
    def relays(self) -> bool:
        return self.variant == "outbox"


@dataclass
class Round:
    variant: str
    backend: str
    number: int
    rate: float
    """Goals per second: answered (bare), or answered *and* published by the relay (outbox)."""
    answered_rate: float
    drain_lag_seconds: float
    cpu_ms_per_goal: float
    """CPU of this process (both servers, the relay, the drain check), not of the load client."""
    client_cpu_ms_per_goal: float
    latencies: list[float] = field(repr=False)

    def summary(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "rate": round(self.rate, 1),
            "answered_rate": round(self.answered_rate, 1),
            "drain_lag_ms": round(self.drain_lag_seconds * 1000, 1),
            "server_cpu_ms_per_goal": round(self.cpu_ms_per_goal, 3),
            "client_cpu_ms_per_goal": round(self.client_cpu_ms_per_goal, 3),
            "p50_ms": round(quantile(self.latencies, 0.50) * 1000, 2),
            "p99_ms": round(quantile(self.latencies, 0.99) * 1000, 2),
        }


class StreamCheck:
    """Counts what reached JetStream, so that a fast but lossy relay cannot pass for a fast one."""

    def __init__(self, nats_url: str) -> None:
        self.nats_url = nats_url
        self.expected = 0

    async def confirm(self, published: int) -> None:
        self.expected += published
        broker = await nats.connect(self.nats_url)
        try:
            info = await broker.jetstream().stream_info(GOALS_STREAM.name)
        finally:
            await broker.close()
        if info.state.messages != self.expected:
            raise RuntimeError(f"JetStream holds {info.state.messages} goal summaries, expected {self.expected}")


async def measure(
    target: Target, backend: str, number: int, options: argparse.Namespace, load: LoadClient, stream: StreamCheck
) -> Round:
    cpu_before = time.process_time()
    reply = await load.run(
        target.served.url,
        target.path,
        goal_bodies(target.staff_id),
        options.goals,
        options.concurrency,
        headers=target.headers,
    )
    started, answered = reply["started"], reply["finished"]
    finished = answered
    if target.relays:
        finished = max(answered, await drained_at(target.database))
    server_cpu = time.process_time() - cpu_before
    if target.relays:
        await stream.confirm(options.goals)
    return Round(
        variant=target.variant,
        backend=backend,
        number=number,
        rate=options.goals / (finished - started),
        answered_rate=options.goals / (answered - started),
        drain_lag_seconds=finished - answered,
        cpu_ms_per_goal=server_cpu * 1000 / options.goals,
        client_cpu_ms_per_goal=reply["cpu_seconds"] * 1000 / options.goals,
        latencies=reply["latencies"],
    )


async def measure_backend(
    backend: str,
    options: argparse.Namespace,
    nats_server: NatsServer,
    databases: Databases,
    load: LoadClient,
    stream: StreamCheck,
) -> list[Round]:
    # One org per backend: equal outbox ids must not meet JetStream's dedup window.
    settings = bench_org_records_settings(
        f"bench-{backend}", "ベンチマーク商工会議所", await databases.create(backend, "outbox"), nats_server.url
    )
    targets = [
        Target("bare", ServedApp(create_bare_app(await databases.create(backend, "bare")))),
        Target("outbox", ServedApp(create_org_records(settings))),
    ]
    rounds: list[Round] = []
    started: list[ServedApp] = []
    try:
        for target in targets:
            started.append(target.served)
            await target.start()
            if options.warmup:
                bodies = goal_bodies(target.staff_id)
                await load.run(
                    target.served.url, target.path, bodies, options.warmup, options.concurrency, headers=target.headers
                )
                if target.relays:
                    await drained_at(target.database)
                    await stream.confirm(options.warmup)
        for number in range(1, options.rounds + 1):
            for target in targets if number % 2 else reversed(targets):
                result = await measure(target, backend, number, options, load, stream)
                rounds.append(result)
                print(
                    f"  {backend:<10} {target.variant:<6} round {number}: {result.rate:7.1f} goals/s"
                    + (f" (answered {result.answered_rate:.1f}/s)" if target.relays else ""),
                    flush=True,
                )
    finally:
        for served in reversed(started):
            await served.stop()
    return rounds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--goals", type=int, default=2_000, help="goals written per variant and round (2000)")
    group.add_argument("--concurrency", type=int, default=16, help="requests in flight (16)")
    group.add_argument("--warmup", type=int, default=200, help="unmeasured goals per variant before round 1 (200)")


def report(rounds: list[Round], options: argparse.Namespace, backends: list[str]) -> BenchmarkReport:
    table = Table(["variant", "backend", "goals/s (median)", "p50 ms", "p99 ms", "CPU ms/goal", "overhead", "target"])
    results: dict[str, Any] = {
        "parameters": {
            "goals": options.goals,
            "concurrency": options.concurrency,
            "rounds": options.rounds,
            "warmup": options.warmup,
        },
        "target": {"outbox_overhead_at_most": OVERHEAD_TARGET},
        "backends": {},
    }
    notes = []
    for backend in backends:
        by_variant = {
            variant: [result for result in rounds if result.backend == backend and result.variant == variant]
            for variant in ("bare", "outbox")
        }
        rates = {variant: median([result.rate for result in found]) for variant, found in by_variant.items()}
        cpu = {variant: median([result.cpu_ms_per_goal for result in found]) for variant, found in by_variant.items()}
        overhead = 1 - rates["outbox"] / rates["bare"]
        # Rate ratios move with whatever else the machine runs; CPU per goal hardly does, so it cross-checks.
        cpu_overhead = 1 - cpu["bare"] / cpu["outbox"]
        paired = [
            1 - outbox.rate / bare.rate for bare, outbox in zip(by_variant["bare"], by_variant["outbox"], strict=True)
        ]
        variants: dict[str, Any] = {}
        for variant, found in by_variant.items():
            latencies = [latency for result in found for latency in result.latencies]
            p50, p99 = quantile(latencies, 0.50) * 1000, quantile(latencies, 0.99) * 1000
            variants[variant] = {
                "rate_median": round(rates[variant], 1),
                "p50_ms": round(p50, 2),
                "p99_ms": round(p99, 2),
                "server_cpu_ms_per_goal_median": round(cpu[variant], 3),
                "rounds": [result.summary() for result in found],
            }
            is_outbox = variant == "outbox"
            verdict = "met" if overhead <= OVERHEAD_TARGET else "MISSED"
            table.rows.append(
                [
                    variant,
                    backend,
                    f"{rates[variant]:.1f}",
                    f"{p50:.1f}",
                    f"{p99:.1f}",
                    f"{cpu[variant]:.2f}",
                    f"{overhead:.1%}" if is_outbox else "reference",
                    f"≤ {OVERHEAD_TARGET:.0%} {verdict}" if is_outbox else "",
                ]
            )
        outbox_rounds = by_variant["outbox"]
        answered = median([result.answered_rate for result in outbox_rounds])
        lag = median([result.drain_lag_seconds for result in outbox_rounds]) * 1000
        variants["outbox"]["answered_rate_median"] = round(answered, 1)
        variants["outbox"]["drain_lag_ms_median"] = round(lag, 1)
        client_cpu = median([result.client_cpu_ms_per_goal for result in rounds if result.backend == backend])
        notes.append(
            f"{backend}: outbox answered {answered:.1f} goals/s and the relay finished {lag:.0f} ms after the last "
            f"response (medians); overhead per round {', '.join(f'{value:.0%}' for value in paired)}; "
            f"by server CPU per goal {cpu_overhead:.0%} (the load client spent {client_cpu:.2f} ms CPU per request)"
        )
        results["backends"][backend] = {
            "variants": variants,
            "outbox_overhead": round(overhead, 4),
            "outbox_overhead_per_round": [round(value, 4) for value in paired],
            "outbox_overhead_by_cpu": round(cpu_overhead, 4),
            "target_met": overhead <= OVERHEAD_TARGET,
        }
    return BenchmarkReport(name=NAME, table=table, results=results, notes=notes)


async def run(options: argparse.Namespace) -> BenchmarkReport:
    backends = selected_backends(options.backends)
    rounds: list[Round] = []
    async with scratch_space("banso-bench-publish-") as (scratch, databases), load_client() as load:
        with running_nats_server(scratch) as nats_server:
            stream = StreamCheck(nats_server.url)
            for backend in backends:
                rounds += await measure_backend(backend, options, nats_server, databases, load, stream)
    return report(rounds, options, backends)
