"""notices: 県からのお知らせ, staff posts and comments, targeting, read receipts; fanned out over JetStream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from banso_core.db import Database
from banso_core.errors import install_http_error_handlers
from banso_core.federation import MemberOrganizations, MemberStaffInterceptor
from banso_core.messaging import NOTICES_STREAM, NatsLink, stop_gracefully
from banso_core.metrics import install_metrics, observe
from banso_core.outbox import OutboxRelay
from banso_core.service import health_router, start_grpc_server
from banso_core.telemetry import configure_tracing
from notices import grpc_server
from notices.audit.endpoints import router as audit_router
from notices.comment.endpoints import router as comment_router
from notices.config import NoticesSettings
from notices.db import MIGRATIONS
from notices.notice.endpoints import router as notice_router
from notices.outbox.repository import OutboxRepository
from notices.receipt.endpoints import router as receipt_router


def create_app(settings: NoticesSettings | None = None) -> FastAPI:
    settings = settings or NoticesSettings()
    configure_tracing("notices", settings.tracing_exporter, settings.otlp_endpoint)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        members = MemberOrganizations.from_registry(settings.federation_registry)
        database = await Database.open(settings.database_url, migrations=MIGRATIONS)
        nats = NatsLink(settings.nats_url, name="notices")
        await nats.start()
        relay = OutboxRelay(
            database,
            nats,
            OutboxRepository(),
            message_id_prefix="notices",
            streams=(NOTICES_STREAM,),
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
        )
        relay_task = asyncio.create_task(relay.run(), name="notices-outbox-relay")
        grpc, grpc_port = await start_grpc_server(
            settings.http_host,
            settings.grpc_port,
            grpc_server.registrations(database, members),
            grpc_server.SERVICE_NAMES,
            [MemberStaffInterceptor(members, set(grpc_server.SERVICE_NAMES))],
        )
        app.state.database, app.state.nats, app.state.relay = database, nats, relay
        observe(app, outbox=relay.outbox)
        app.state.members, app.state.grpc_port = members, grpc_port
        try:
            yield
        finally:
            await grpc.stop(grace=2)
            await stop_gracefully(relay_task, relay.stop)
            await nats.close()
            await database.close()

    app = FastAPI(title="Bansō notices — お知らせ", version="0.1.0", lifespan=lifespan)
    install_http_error_handlers(app)
    app.include_router(health_router())
    install_metrics(app)
    for router in (notice_router, comment_router, receipt_router, audit_router):
        app.include_router(router)
    FastAPIInstrumentor.instrument_app(app)
    return app
