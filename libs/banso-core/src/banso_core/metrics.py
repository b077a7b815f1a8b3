"""Prometheus metrics every service serves at `GET /metrics`: request latency, and, read at scrape time, its
outbox backlog and age, its consumers' lag and the dead letters.

Each app has its own registry (tests run several services in one process). What a service publishes or consumes
it names once in its lifespan with `observe`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest

from banso_core.db import Database, utc_now
from banso_core.messaging import DEAD_LETTERS_STREAM, NatsLink, PullConsumer
from banso_core.outbox import OutboxRepository

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Observed:
    """What a service's metrics read at scrape time."""

    outbox: OutboxRepository[Any] | None = None
    consumers: Sequence[PullConsumer] = ()


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    observed: Observed = field(default_factory=Observed)

    def __post_init__(self) -> None:
        self.request_seconds = Histogram(
            "banso_http_request_duration_seconds",
            "REST request latency by route template",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "banso_outbox_backlog", "Outbox rows committed but not yet acked by JetStream", registry=self.registry
        )
        self.outbox_oldest_seconds = Gauge(
            "banso_outbox_oldest_age_seconds", "Age of the oldest unsent outbox row (0: none)", registry=self.registry
        )
        self.consumer_pending = Gauge(
            "banso_consumer_pending_messages", "Messages not yet delivered to the consumer", ["durable"],
            registry=self.registry,
        )  # fmt: skip
        self.consumer_unacked = Gauge(
            "banso_consumer_unacked_messages", "Messages delivered and not yet acked", ["durable"],
            registry=self.registry,
        )  # fmt: skip
        self.dead_letters = Gauge(
            "banso_dead_letters", "Messages in the dead-letter stream (all services)", registry=self.registry
        )
        self.broker_up = Gauge("banso_nats_connected", "1 while the NATS connection is up", registry=self.registry)

    async def read(self, database: Database | None, nats: NatsLink | None) -> None:
        """Refresh the gauges that are read, not counted: what a scrape sees is the state at that moment."""
        outbox = self.observed.outbox
        if database is not None and outbox is not None:
            async with database.session(read_only=True) as session:
                self.outbox_backlog.set(await outbox.backlog(session))
                oldest = await outbox.oldest_unsent_at(session)
            self.outbox_oldest_seconds.set((utc_now() - oldest).total_seconds() if oldest else 0.0)
        if nats is None:
            return
        self.broker_up.set(1 if nats.is_connected else 0)
        if not nats.is_connected:
            return
        js = await nats.jetstream()
        for consumer in self.observed.consumers:
            try:
                info = await js.consumer_info(consumer.stream.name, consumer.durable)
            except Exception:  # not created yet, or the broker went away mid-scrape
                continue
            self.consumer_pending.labels(consumer.durable).set(info.num_pending or 0)
            self.consumer_unacked.labels(consumer.durable).set(info.num_ack_pending or 0)
        try:
            stream = await js.stream_info(DEAD_LETTERS_STREAM.name)
        except Exception:  # no dead letter yet: the stream is made on the first
            self.dead_letters.set(0)
        else:
            self.dead_letters.set(stream.state.messages)


def observe(
    app: FastAPI, *, outbox: OutboxRepository[Any] | None = None, consumers: Sequence[PullConsumer] = ()
) -> None:
    """Name what the service's metrics read: its outbox, its durable consumers."""
    app.state.metrics.observed = Observed(outbox=outbox, consumers=consumers)


def install_metrics(app: FastAPI) -> None:
    """`GET /metrics` and the request-latency middleware."""
    metrics = ServiceMetrics()
    app.state.metrics = metrics
    router = APIRouter(tags=["health"])

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        state = request.app.state
        await metrics.read(getattr(state, "database", None), getattr(state, "nats", None))
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.include_router(router)

    @app.middleware("http")
    async def time_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            template = getattr(route, "path", None) or "unmatched"  # templates, never raw paths: few label values
            metrics.request_seconds.labels(request.method, template, str(status)).observe(time.perf_counter() - started)
