"""analytics: suppressed statistics across the prefecture, fed from the outcome records and goal summaries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from analytics import grpc_server
from analytics.charts.endpoints import router as charts_router
from analytics.config import AnalyticsSettings
from analytics.consuming import StreamConsumer
from analytics.db import MIGRATIONS
from analytics.goal_summary.events import GOAL_FEED
from analytics.outcome_record.events import OUTCOME_FEED
from analytics.tables.endpoints import router as tables_router
from analytics.tables.service import table_service
from banso_core.db import Database
from banso_core.errors import install_http_error_handlers
from banso_core.federation import MemberOrganizations, MemberStaffInterceptor
from banso_core.messaging import NatsLink, stop_gracefully
from banso_core.metrics import install_metrics, observe
from banso_core.service import health_router, start_grpc_server
from banso_core.telemetry import configure_tracing


def create_app(settings: AnalyticsSettings | None = None) -> FastAPI:
    settings = settings or AnalyticsSettings()
    configure_tracing("analytics", settings.tracing_exporter, settings.otlp_endpoint)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = await Database.open(settings.database_url, migrations=MIGRATIONS)
        members = MemberOrganizations.from_registry(settings.federation_registry)
        nats = NatsLink(settings.nats_url, name="analytics")
        await nats.start()
        consumers = [
            StreamConsumer(database, nats, OUTCOME_FEED, settings.outcome_consumer_name, settings.consumer_batch_size),
            StreamConsumer(database, nats, GOAL_FEED, settings.goal_consumer_name, settings.consumer_batch_size),
        ]
        tasks = [
            asyncio.create_task(consumer.run(), name=f"analytics-{consumer.feed.stream.name}") for consumer in consumers
        ]
        grpc, grpc_port = await start_grpc_server(
            settings.http_host,
            settings.grpc_port,
            grpc_server.registrations(database, members, settings.min_businesses),
            grpc_server.SERVICE_NAMES,
            [MemberStaffInterceptor(members, set(grpc_server.SERVICE_NAMES))],
        )
        app.state.database, app.state.nats, app.state.grpc_port = database, nats, grpc_port
        observe(app, consumers=[consumer.consumer for consumer in consumers])
        app.state.members, app.state.settings = members, settings
        warming = asyncio.create_task(table_service.warm(database), name="analytics-register")
        try:
            yield
        finally:
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warming
            await grpc.stop(grace=2)
            for consumer, task in zip(consumers, tasks, strict=True):
                await stop_gracefully(task, consumer.stop)
            await nats.close()
            await database.close()

    app = FastAPI(title="Bansō analytics — 集計・分析", version="0.1.0", lifespan=lifespan)
    install_http_error_handlers(app)
    app.include_router(health_router())
    install_metrics(app)
    app.include_router(tables_router)
    app.include_router(charts_router)
    FastAPIInstrumentor.instrument_app(app)
    return app
