"""exchange: the prefecture's searchable store of shared goal summaries, fed from JetStream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from banso_core.db import Database
from banso_core.errors import install_http_error_handlers
from banso_core.messaging import NatsLink, stop_gracefully
from banso_core.service import health_router, start_grpc_server
from banso_core.telemetry import configure_tracing
from exchange import grpc_server
from exchange.config import ExchangeSettings
from exchange.db import MIGRATIONS
from exchange.goal_summary.endpoints import router as goal_summary_router
from exchange.goal_summary.events import GoalSummaryConsumer


def create_app(settings: ExchangeSettings | None = None) -> FastAPI:
    settings = settings or ExchangeSettings()
    configure_tracing("exchange", settings.tracing_exporter, settings.otlp_endpoint)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = await Database.open(settings.database_url, migrations=MIGRATIONS)
        nats = NatsLink(settings.nats_url, name="exchange")
        await nats.start()
        consumer = GoalSummaryConsumer(database, nats, settings.consumer_name, settings.consumer_batch_size)
        consumer_task = asyncio.create_task(consumer.run(), name="exchange-goal-summaries")
        grpc, grpc_port = await start_grpc_server(
            settings.http_host,
            settings.grpc_port,
            grpc_server.registrations(database),
            grpc_server.SERVICE_NAMES,
        )
        app.state.database, app.state.nats, app.state.grpc_port = database, nats, grpc_port
        try:
            yield
        finally:
            await grpc.stop(grace=2)
            await stop_gracefully(consumer_task, consumer.stop)
            await nats.close()
            await database.close()

    app = FastAPI(title="Bansō exchange — 目標の共有", version="0.1.0", lifespan=lifespan)
    install_http_error_handlers(app)
    app.include_router(health_router())
    app.include_router(goal_summary_router)
    FastAPIInstrumentor.instrument_app(app)
    return app
