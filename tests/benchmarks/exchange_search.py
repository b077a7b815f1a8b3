"""Exchange search (performance.md: lookup quality, lookup latency, exchange ingest), each next to a reference
measured in the same run.

- **quality**: the labelled set in `data/exchange_eval_*.tsv` (202 goals, 76 queries graded 0–3) through the
  exchange's own search (`goal_summary_service.search`, limit 10), next to a character-bigram BM25 baseline
  (k1 1.2, b 0.75) over the same texts. recall@10 and MRR count grade ≥ 2 as relevant; nDCG@10 uses the grades
  (gain 2^g − 1). Figures are given for all queries and by kind (literal, paraphrase, synonym, variant, typo).
- **ingest**: `--search-goals` synthetic summaries published to JetStream, then consumed by the exchange's real
  consumer (`GoalSummaryConsumer`: decode, analyse, upsert, commit, ack) into a fresh store, next to a bare
  nats-py pull consumer that fetches and acks the same messages. Rate = summaries ÷ (start → last ack).
- **latency**: single client, one request after another, the labelled queries in turn (`--search-requests`),
  then "similar" for random goals, on the store just filled; next to PostgreSQL `pg_trgm` (GIN gin_trgm_ops
  index, `text ILIKE ALL(%word%…)`, count and newest-first page of 20) over the same texts — when PostgreSQL is
  configured. Times are service calls (analysis + SQL), without HTTP.

`.venv/bin/python tests/benchmarks/run.py exchange_search --search-goals 100000 --backends sqlite,postgresql`
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import math
import os
import random
import resource
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import nats
from harness import BenchmarkReport, Table, median, quantile, scratch_space, selected_backends
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.engine import make_url

from banso.events.v1 import goal_summary_pb2
from banso_core.db import Database
from banso_core.japanese import bigrams, warm_up
from banso_core.messaging import GOALS_STREAM, MSG_ID_HEADER, NatsLink, ensure_stream, goal_subject
from banso_core.testing.servers import running_nats_server
from exchange.app import analysis_processes
from exchange.db import MIGRATIONS
from exchange.goal_summary.events import GoalSummaryConsumer
from exchange.goal_summary.index import GoalIndex
from exchange.goal_summary.schemas import SearchParams, SimilarParams
from exchange.goal_summary.service import IncomingSummary, goal_summary_service

NAME = "exchange_search"
DESCRIPTION = "exchange search quality vs bigram BM25, latency vs pg_trgm ILIKE, ingest vs raw JetStream consume"
DATA = Path(__file__).resolve().parent / "data"
RELEVANT = 2
"""Grade from which a goal counts as relevant for recall and MRR."""
ORGS = [f"org-{number:02d}" for number in range(30)]
BANDS = ["0-5", "6-20", "21-50", "51-100", "101-300", "301+", "0-20"]
STATUSES = ["not_started", "in_progress", "achieved", "paused"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--search-goals", type=int, default=100_000, help="exchange_search: synthetic summaries (100000)"
    )
    parser.add_argument(
        "--search-requests", type=int, default=400, help="exchange_search: timed searches per engine (400)"
    )
    parser.add_argument("--similar-requests", type=int, default=100, help="exchange_search: timed similar (100)")
    parser.add_argument(
        "--analysis-workers",
        type=int,
        default=2,
        help="exchange_search: processes that analyse ingested texts, as EXCHANGE_ANALYSIS_WORKERS (2; 0: none)",
    )


# ------------------------------------------------------------------------------------------------ labelled set


@dataclass(frozen=True)
class EvalGoal:
    goal_id: str
    category: str
    jsic_major: str
    jsic_middle: str
    text: str


@dataclass(frozen=True)
class EvalQuery:
    q: str
    kind: str
    grades: dict[str, int]


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]


def load_eval_set() -> tuple[list[EvalGoal], list[EvalQuery]]:
    goals = [EvalGoal(*row) for row in _rows(DATA / "exchange_eval_goals.tsv")]
    ids = [goal.goal_id for goal in goals]
    queries = []
    for q, kind, relevance in _rows(DATA / "exchange_eval_queries.tsv"):
        grades: dict[str, int] = {}
        for item in relevance.split():
            key, grade = item.split("=")
            matched = [i for i in ids if i.startswith(key[:-1])] if key.endswith("*") else [key]
            if not matched or any(goal_id not in ids for goal_id in matched):
                raise ValueError(f"query {q!r}: {key} names no goal")
            for goal_id in matched:
                grades[goal_id] = (
                    max(grades.get(goal_id, 0), int(grade))
                    if not key.endswith("*")
                    else grades.get(goal_id, int(grade))
                )
        queries.append(EvalQuery(q, kind, grades))
    return goals, queries


def metrics(ranked: Sequence[str], grades: dict[str, int]) -> dict[str, float]:
    relevant = {goal_id for goal_id, grade in grades.items() if grade >= RELEVANT}
    top = list(ranked[:10])
    recall = len(relevant.intersection(top)) / len(relevant) if relevant else 0.0
    dcg = sum((2 ** grades.get(goal_id, 0) - 1) / math.log2(rank + 2) for rank, goal_id in enumerate(top))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    reciprocal = next((1 / (rank + 1) for rank, goal_id in enumerate(top) if goal_id in relevant), 0.0)
    return {"recall@10": recall, "ndcg@10": dcg / idcg if idcg else 0.0, "mrr": reciprocal}


class BigramBM25:
    """The baseline: BM25 over character bigrams of the folded text (no morphology, no synonyms)."""

    def __init__(self, documents: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.terms = {doc_id: Counter(bigrams(text)) for doc_id, text in documents.items()}
        self.lengths = {doc_id: sum(counts.values()) for doc_id, counts in self.terms.items()}
        self.average = sum(self.lengths.values()) / len(self.lengths)
        self.frequency: Counter[str] = Counter(term for counts in self.terms.values() for term in counts)
        self.count = len(documents)

    def search(self, q: str, limit: int = 10) -> list[str]:
        query = set(bigrams(q)[:-1]) or set(bigrams(q))
        scores: dict[str, float] = defaultdict(float)
        for term in query:
            df = self.frequency.get(term, 0)
            if not df:
                continue
            idf = math.log(1 + (self.count - df + 0.5) / (df + 0.5))
            for doc_id, counts in self.terms.items():
                tf = counts.get(term, 0)
                if tf:
                    norm = self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / self.average)
                    scores[doc_id] += idf * tf * (self.k1 + 1) / (tf + norm)
        return [doc_id for doc_id, _ in sorted(scores.items(), key=lambda item: -item[1])[:limit]]


def summarise(per_query: list[tuple[EvalQuery, dict[str, float]]]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for query, values in per_query:
        groups["all"].append(values)
        groups[query.kind].append(values)
    return {
        kind: {name: sum(v[name] for v in values) / len(values) for name in values[0]} | {"queries": len(values)}
        for kind, values in groups.items()
    }


def incoming(
    goal_id: str, org_id: str, text: str, category: str, major: str, middle: str, **extra: Any
) -> IncomingSummary:
    return IncomingSummary(
        org_id=org_id,
        goal_ref=goal_id,
        version=1,
        withdrawn=False,
        updated_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        org_name=org_id,
        staff_name="担当",
        staff_handle="h",
        category=category,
        jsic_major=major,
        jsic_middle=middle,
        text=text,
        **extra,
    )


async def measure_quality(database_url: str) -> dict[str, Any]:
    goals, queries = load_eval_set()
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with database.session() as session:
            await goal_summary_service.ingest(
                session,
                [
                    incoming(g.goal_id, ORGS[n % 5], g.text, g.category, g.jsic_major, g.jsic_middle)
                    for n, g in enumerate(goals)
                ],
            )
            await session.commit()
        engine, baseline = [], []
        bm25 = BigramBM25({goal.goal_id: goal.text for goal in goals})
        async with database.session(read_only=True) as session:
            for query in queries:
                found, _ = await goal_summary_service.search(session, SearchParams(q=query.q, limit=10))
                engine.append((query, metrics([item.goal.goal_ref for item in found], query.grades)))
                baseline.append((query, metrics(bm25.search(query.q), query.grades)))
    finally:
        await database.close()
    return {"engine": summarise(engine), "bigram_bm25": summarise(baseline)}


# ------------------------------------------------------------------------------------------------ synthetic data

PREFIXES = ["", "", "令和8年度に", "地域で", "今期中に", "新たに", "県内で", "早期に", "段階的に", "本格的に"]
SUFFIXES = ["", "", "する", "を目指す", "に取り組む", "を進める", "（3か年計画）", "で売上を伸ばす", "を実現する"]


def synthetic_summaries(count: int, seed: int = 8) -> list[goal_summary_pb2.GoalSummary]:
    """Goal summaries made from the labelled texts with varied openings and endings, organizations, codes, dates."""
    goals, _ = load_eval_set()
    chooser = random.Random(seed)
    summaries = []
    start = dt.date(2023, 4, 1)
    for number in range(count):
        goal = chooser.choice(goals)
        text = f"{chooser.choice(PREFIXES)}{goal.text}{chooser.choice(SUFFIXES)}"
        message = goal_summary_pb2.GoalSummary(
            goal_ref=f"s{number:07d}",
            op=goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
            version=1,
            org_id=chooser.choice(ORGS),
            org_name="商工会",
            staff_name="担当",
            staff_handle="h",
            business_form=chooser.choice(["corporation", "sole_proprietor", ""]),
            jsic_major=goal.jsic_major,
            jsic_middle=goal.jsic_middle,
            employee_band=chooser.choice(BANDS),
            set_on=(start + dt.timedelta(days=chooser.randrange(1200))).isoformat(),
            category=goal.category,
            text=text,
            status=chooser.choice(STATUSES),
        )
        message.updated_at.FromDatetime(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        summaries.append(message)
    return summaries


async def publish_all(url: str, summaries: Sequence[goal_summary_pb2.GoalSummary]) -> float:
    client = await nats.connect(url)
    js = client.jetstream()
    await ensure_stream(js, GOALS_STREAM)
    started = time.monotonic()
    for start in range(0, len(summaries), 1_000):
        chunk = summaries[start : start + 1_000]
        await asyncio.gather(
            *(
                js.publish(
                    goal_subject(s.org_id, s.goal_ref), s.SerializeToString(), headers={MSG_ID_HEADER: uuid.uuid4().hex}
                )
                for s in chunk
            )
        )
    elapsed = time.monotonic() - started
    await client.close()
    return len(summaries) / elapsed


async def raw_consume_rate(url: str, count: int, durable: str) -> float:
    client = await nats.connect(url)
    js = client.jetstream()
    reader = await js.pull_subscribe(
        "banso.goals.>",
        durable=durable,
        stream=GOALS_STREAM.name,
        config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL, max_ack_pending=20_000),
    )
    consumed = 0
    started = time.monotonic()
    while consumed < count:
        msgs = await reader.fetch(512, timeout=5)
        for msg in msgs:
            await msg.ack()
        consumed += len(msgs)
    elapsed = time.monotonic() - started
    await client.close()
    return count / elapsed


async def exchange_consume_rate(url: str, database: Database, count: int, durable: str, workers: int) -> float:
    link = NatsLink(url, name="bench-exchange")
    await link.start()
    pool = analysis_processes(workers)
    if pool is not None:  # started and warmed before the clock runs, as the exchange does at start-up
        await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(pool, warm_up) for _ in range(workers)))
    consumer = GoalSummaryConsumer(database, link, durable, 512, analysis_pool=pool, analysis_workers=workers)
    js = await link.jetstream()
    started = time.monotonic()
    task = asyncio.create_task(consumer.run())
    try:
        while True:
            await asyncio.sleep(0.1)
            try:
                info = await js.consumer_info(GOALS_STREAM.name, durable)
            except nats.js.errors.NotFoundError:
                continue
            if info.ack_floor.stream_seq >= count and not info.num_ack_pending:
                break
        elapsed = time.monotonic() - started
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 30)
        await link.close()
        if pool is not None:
            pool.shutdown()
    return count / elapsed


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def fresh_index_load(database: Database) -> dict[str, float]:
    """A second process's start: the index loaded afresh from the store (seconds, and resident memory it added)."""
    gc.collect()
    before = resident_mb()
    index = GoalIndex()
    started = time.monotonic()
    async with database.session(read_only=True) as session:
        await index.sync(session)
    seconds = time.monotonic() - started
    added = resident_mb() - before
    return {"load_s": round(seconds, 2), "index_mb": round(added), "goals": index.alive_count}


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    return {f"p{int(q * 100)}_ms": round(quantile(seconds, q) * 1000, 2) for q in (0.5, 0.95, 0.99)}


async def search_latencies(database: Database, queries: Sequence[str], requests: int) -> list[float]:
    timings = []
    for number in range(requests):
        q = queries[number % len(queries)]
        started = time.perf_counter()
        async with database.session(read_only=True) as session:
            await goal_summary_service.search(session, SearchParams(q=q, limit=20))
        timings.append(time.perf_counter() - started)
    return timings


async def similar_latencies(database: Database, count: int, requests: int) -> list[float]:
    chooser = random.Random(3)
    timings = []
    from sqlalchemy import select

    from exchange.goal_summary.models import SharedGoal

    async with database.session(read_only=True) as session:
        keys = (await session.execute(select(SharedGoal.org_id, SharedGoal.goal_ref).limit(5_000))).all()
    for _ in range(requests):
        org_id, goal_ref = chooser.choice(keys)
        started = time.perf_counter()
        async with database.session(read_only=True) as session:
            await goal_summary_service.similar(session, org_id, goal_ref, SimilarParams(limit=10))
        timings.append(time.perf_counter() - started)
    return timings


async def pg_trgm_latencies(
    database_url: str, summaries: Sequence[goal_summary_pb2.GoalSummary], queries: Sequence[str], requests: int
) -> list[float]:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        await connection.execute("CREATE TABLE trgm_goal (goal_ref text PRIMARY KEY, text text, set_on date)")
        await connection.copy_records_to_table(
            "trgm_goal",
            records=[(s.goal_ref, s.text, dt.date.fromisoformat(s.set_on)) for s in summaries],
            columns=["goal_ref", "text", "set_on"],
        )
        await connection.execute("CREATE INDEX ix_trgm_goal_text ON trgm_goal USING gin (text gin_trgm_ops)")
        await connection.execute("ANALYZE trgm_goal")
        timings = []
        for number in range(requests):
            words = [f"%{word}%" for word in queries[number % len(queries)].split()]
            started = time.perf_counter()
            await connection.fetchval("SELECT count(*) FROM trgm_goal WHERE text ILIKE ALL($1::text[])", words)
            await connection.fetch(
                "SELECT goal_ref, text FROM trgm_goal WHERE text ILIKE ALL($1::text[]) ORDER BY set_on DESC LIMIT 20",
                words,
            )
            timings.append(time.perf_counter() - started)
        return timings
    finally:
        await connection.close()


async def run(options: argparse.Namespace) -> BenchmarkReport:
    warm_up()
    backends = selected_backends(options.backends)
    _, queries = load_eval_set()
    query_texts = [query.q for query in queries]
    summaries = synthetic_summaries(options.search_goals)
    results: dict[str, Any] = {"goals": options.search_goals, "backends": {}}
    table = Table(["backend", "measure", "engine", "reference", "ratio"])
    notes: list[str] = []
    async with scratch_space("banso-exchange-search-") as (scratch, databases):
        with running_nats_server(scratch) as server:
            publish_rate = await publish_all(server.url, summaries)
            raw_rates = [await raw_consume_rate(server.url, len(summaries), f"raw-{n}") for n in range(options.rounds)]
            raw_rate = median(raw_rates)
            notes.append(f"JetStream publish of the {len(summaries):,} payloads: {publish_rate:,.0f}/s")
            for backend in backends:
                figures: dict[str, Any] = {}
                quality_url = await databases.create(backend, "quality")
                figures["quality"] = quality = await measure_quality(quality_url)
                for kind, values in quality["engine"].items():
                    base = quality["bigram_bm25"][kind]
                    for name in ("recall@10", "ndcg@10", "mrr"):
                        measure = f"{name} {kind} ({values['queries']})"
                        difference = f"{values[name] - base[name]:+.3f}"
                        table.rows.append([backend, measure, f"{values[name]:.3f}", f"{base[name]:.3f}", difference])
                store_url = await databases.create(backend, "store")
                database = await Database.open(store_url, migrations=MIGRATIONS)
                try:
                    rate = await exchange_consume_rate(
                        server.url, database, len(summaries), f"exchange-{backend}", options.analysis_workers
                    )
                    figures["ingest"] = {"exchange_per_s": round(rate), "raw_consume_per_s": round(raw_rate)}
                    table.rows.append(
                        [backend, f"ingest summaries/s ({len(summaries):,})", f"{rate:,.0f}", f"{raw_rate:,.0f} raw",
                         f"{rate / raw_rate:.2f}"]
                    )  # fmt: skip
                    figures["index"] = loaded = await fresh_index_load(database)
                    table.rows.append(
                        [backend, f"index load s / MB ({loaded['goals']:,})", f"{loaded['load_s']}",
                         f"{loaded['index_mb']} MB", ""]
                    )  # fmt: skip
                    await search_latencies(database, query_texts, min(50, options.search_requests))  # warm
                    searched = latency_summary(await search_latencies(database, query_texts, options.search_requests))
                    similar = latency_summary(
                        await similar_latencies(database, len(summaries), options.similar_requests)
                    )
                finally:
                    await database.close()
                figures["search_latency"], figures["similar_latency"] = searched, similar
                reference: dict[str, float] | None = None
                if backend == "postgresql":
                    trgm_url = await databases.create(backend, "trgm")
                    reference = latency_summary(
                        await pg_trgm_latencies(trgm_url, summaries, query_texts, options.search_requests)
                    )
                    figures["pg_trgm_latency"] = reference
                for name in ("p50_ms", "p95_ms", "p99_ms"):
                    ref = f"{reference[name]} trgm" if reference else "—"
                    ratio = f"{reference[name] / searched[name]:.1f}× faster" if reference else ""
                    table.rows.append([backend, f"search {name}", str(searched[name]), ref, ratio])
                for name in ("p50_ms", "p95_ms", "p99_ms"):
                    table.rows.append([backend, f"similar {name}", str(similar[name]), "", ""])
                results["backends"][backend] = figures
    if "postgresql" not in backends:
        notes.append("pg_trgm reference needs PostgreSQL: set BANSO_BENCH_POSTGRES_URL or BANSO_TEST_POSTGRES_URL")
    results["raw_consume_rounds"] = [round(rate) for rate in raw_rates]
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    notes.append(f"peak RSS of the benchmark process (payloads, stores' indexes and all): {results['peak_rss_mb']} MB")
    return BenchmarkReport(name=NAME, table=table, results=results, notes=notes)
