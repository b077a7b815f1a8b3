"""exchange: the prefecture's searchable store of shared goal summaries, fed from JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from banso_core.db import Database
from banso_core.errors import install_http_error_handlers
from banso_core.federation import MemberOrganizations, MemberStaffInterceptor
from banso_core.japanese import warm_up
from banso_core.messaging import NatsLink, stop_gracefully
from banso_core.metrics import install_metrics, observe
from banso_core.service import health_router, start_grpc_server
from banso_core.telemetry import configure_tracing
from exchange import grpc_server
from exchange.config import ExchangeSettings
from exchange.db import MIGRATIONS
from exchange.goal_summary.endpoints import router as goal_summary_router
from exchange.goal_summary.events import GoalSummaryConsumer
from exchange.goal_summary.service import goal_summary_service
from exchange.inquiry.endpoints import router as inquiry_router
from exchange.inquiry.events import InquiryRelay, InquiryReplyConsumer
from exchange.similar_alert.events import SimilarGoalWatcher
from exchange.similar_alert.service import AlertPolicy

logger = logging.getLogger(__name__)


async def load_search_index(database: Database) -> None:
    """Load the in-memory search index now (searches before it is done wait for it; /readyz says not ready)."""
    async with database.session(read_only=True) as session:
        index = await goal_summary_service.synced_index(session)
    logger.info("search index loaded: %d goals in %.1f s", index.alive_count, index.load_seconds)


def analysis_processes(workers: int) -> ProcessPoolExecutor | None:
    """A pool of processes that analyse ingested texts, each with Sudachi loaded (spawned: this process has
    threads that a fork would copy mid-flight)."""
    if not workers:
        return None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up)


def create_app(settings: ExchangeSettings | None = None) -> FastAPI:
    settings = settings or ExchangeSettings()
    configure_tracing("exchange", settings.tracing_exporter, settings.otlp_endpoint)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        members = MemberOrganizations.from_registry(settings.federation_registry)
        warm_up()
        database = await Database.open(settings.database_url, migrations=MIGRATIONS)
        nats = NatsLink(settings.nats_url, name="exchange")
        await nats.start()
        policy = AlertPolicy(settings.similar_alert_threshold, settings.similar_alerts_per_staff_per_day)
        watcher = SimilarGoalWatcher(database, nats, policy)
        watcher_task = asyncio.create_task(watcher.run(), name="exchange-similar-goals")
        analysis_pool = analysis_processes(settings.analysis_workers)
        consumer = GoalSummaryConsumer(
            database,
            nats,
            settings.consumer_name,
            settings.consumer_batch_size,
            watcher.goals_stored,
            analysis_pool,
            settings.analysis_workers,
        )
        consumer_task = asyncio.create_task(consumer.run(), name="exchange-goal-summaries")
        inquiry_relay = InquiryRelay(database, nats, settings.inquiry_relay_poll_seconds)
        inquiry_relay_task = asyncio.create_task(inquiry_relay.run(), name="exchange-inquiry-relay")
        replies = InquiryReplyConsumer(database, nats, settings.inquiry_consumer_name)
        replies_task = asyncio.create_task(replies.run(), name="exchange-inquiry-replies")
        grpc, grpc_port = await start_grpc_server(
            settings.http_host,
            settings.grpc_port,
            grpc_server.registrations(database, members),
            grpc_server.SERVICE_NAMES,
            [MemberStaffInterceptor(members, set(grpc_server.SERVICE_NAMES))],
        )
        app.state.database, app.state.nats, app.state.grpc_port = database, nats, grpc_port
        index_task = asyncio.create_task(load_search_index(database), name="exchange-search-index")
        app.state.ready_checks = {
            "search_index": lambda: index_task.done() and not index_task.cancelled() and not index_task.exception()
        }
        observe(app, consumers=[consumer.consumer, replies.consumer])
        app.state.members = members
        app.state.similar_goals = watcher
        try:
            yield
        finally:
            await grpc.stop(grace=2)
            index_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await index_task
            await stop_gracefully(consumer_task, consumer.stop)
            await stop_gracefully(watcher_task, watcher.stop)
            await stop_gracefully(replies_task, replies.stop)
            await stop_gracefully(inquiry_relay_task, inquiry_relay.stop)
            await nats.close()
            await database.close()
            if analysis_pool is not None:
                analysis_pool.shutdown(cancel_futures=True)

    app = FastAPI(title="Bansō exchange — 目標の共有", version="0.1.0", lifespan=lifespan)
    install_http_error_handlers(app)
    app.include_router(health_router())
    install_metrics(app)
    app.include_router(goal_summary_router)
    app.include_router(inquiry_router)
    FastAPIInstrumentor.instrument_app(app)
    return app
