"""org-records: one organization's system of record, REST + gRPC, publishing through its outbox."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from banso_core.db import Database
from banso_core.errors import install_http_error_handlers
from banso_core.messaging import GOALS_STREAM, INQUIRIES_STREAM, OUTCOMES_STREAM, NatsLink, stop_gracefully
from banso_core.metrics import install_metrics, observe
from banso_core.outbox import OutboxRelay
from banso_core.service import health_router, start_grpc_server
from banso_core.telemetry import configure_tracing
from banso_core.tokens import TokenIssuer, TokenVerifier, load_or_create_signing_key
from org_records import grpc_server
from org_records.audit.endpoints import router as audit_router
from org_records.audit.service import AuditTrail
from org_records.auth.endpoints import admin_only, admin_writes, staff_access
from org_records.auth.endpoints import router as auth_router
from org_records.auth.grpc import AccessInterceptor
from org_records.auth.service import auth_service, passwords, startup_logins
from org_records.business.endpoints import router as business_router
from org_records.config import OrgRecordsSettings
from org_records.db import MIGRATIONS
from org_records.financials.endpoints import router as financials_router
from org_records.goal.endpoints import router as goal_router
from org_records.inbox.endpoints import router as inbox_router
from org_records.inbox.events import InquiryQuestionConsumer
from org_records.inbox.service import inbox_service
from org_records.notice_feed.endpoints import router as notice_feed_router
from org_records.notice_feed.events import NoticeFeedConsumer
from org_records.org import OrgIdentity
from org_records.organization.endpoints import router as organization_router
from org_records.organization.service import organization_service
from org_records.outbox.repository import OutboxRepository
from org_records.outcome.endpoints import router as outcome_router
from org_records.outcome_record.endpoints import router as outcome_record_router
from org_records.outcome_record.worker import OutcomeRecordWorker
from org_records.period_lock.endpoints import router as period_lock_router
from org_records.plan.endpoints import router as plan_router
from org_records.policy_support.endpoints import router as policy_support_router
from org_records.report.endpoints import router as report_router
from org_records.sharing.endpoints import router as sharing_router
from org_records.staff.endpoints import router as staff_router
from org_records.support_session.endpoints import router as support_session_router
from org_records.task.endpoints import router as task_router
from org_records.transfer.endpoints import router as transfer_router
from org_records.transfer.service import ImportJobs
from org_records.web.endpoints import install_web


def create_app(settings: OrgRecordsSettings | None = None) -> FastAPI:
    settings = settings or OrgRecordsSettings()
    configure_tracing(f"org-records:{settings.org_id}", settings.tracing_exporter, settings.otlp_endpoint)
    org = OrgIdentity(
        org_id=settings.org_id,
        org_name=settings.org_name,
        org_kind=settings.org_kind,
        sharing_secret=settings.sharing_secret.get_secret_value().encode(),
        k_anonymity=settings.k_anonymity,
    )

    passwords.use(settings.password_cost)
    signing_key = load_or_create_signing_key(settings.signing_key_path)
    verifier = TokenVerifier.from_registry(settings.federation_registry, **{settings.org_id: signing_key.public_key()})
    issuer = TokenIssuer(settings.org_id, signing_key, dt.timedelta(minutes=settings.token_ttl_minutes))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = await Database.open(settings.database_url, migrations=MIGRATIONS)
        async with database.session() as session:
            for login, password, display_name, role in startup_logins(settings):
                await auth_service.ensure_login(session, login, password, display_name, role)
            # Made now, so that reading the profile (a GET, a read-only transaction) never has to write it.
            await organization_service.get(session, org)
            await session.commit()
        nats = NatsLink(settings.nats_url, name=f"org-records:{settings.org_id}")
        await nats.start()
        relay = OutboxRelay(
            database,
            nats,
            OutboxRepository(),
            message_id_prefix=settings.org_id,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
            streams=(GOALS_STREAM, OUTCOMES_STREAM, INQUIRIES_STREAM),
        )
        relay_task = asyncio.create_task(relay.run(), name=f"outbox-relay-{settings.org_id}")
        notice_feed = NoticeFeedConsumer(database, nats, settings.org_id)
        notice_feed_task = asyncio.create_task(notice_feed.run(), name=f"notice-feed-{settings.org_id}")
        inquiries = InquiryQuestionConsumer(database, nats, org, inbox_service.receive)
        inquiries_task = asyncio.create_task(inquiries.run(), name=f"inquiries-{settings.org_id}")
        outcome_records = OutcomeRecordWorker(
            database,
            org,
            poll_seconds=settings.relay_poll_seconds,
            gather_seconds=settings.outcome_records_gather_seconds,
        )
        outcome_records_task = asyncio.create_task(outcome_records.run(), name=f"outcome-records-{settings.org_id}")
        audit_trail = AuditTrail(database)
        audit_task = asyncio.create_task(audit_trail.run(), name="audit-trail")
        app.state.audit_trail = audit_trail
        grpc, grpc_port = await start_grpc_server(
            settings.http_host,
            settings.grpc_port,
            grpc_server.registrations(database, org),
            grpc_server.SERVICE_NAMES,
            [AccessInterceptor(database, org, verifier, set(grpc_server.SERVICE_NAMES), audit_trail)],
        )
        app.state.database, app.state.nats, app.state.relay = database, nats, relay
        observe(app, outbox=relay.outbox, consumers=[notice_feed.consumer, inquiries.consumer])
        app.state.outcome_records = outcome_records
        app.state.grpc_port = grpc_port
        try:
            yield
        finally:
            await app.state.import_jobs.close()
            await grpc.stop(grace=2)
            await stop_gracefully(audit_task, audit_trail.stop)
            await stop_gracefully(outcome_records_task, outcome_records.stop)
            await stop_gracefully(relay_task, relay.stop)
            await stop_gracefully(notice_feed_task, notice_feed.stop)
            await stop_gracefully(inquiries_task, inquiries.stop)
            await nats.close()
            await database.close()

    app = FastAPI(
        title=f"Bansō org-records — {settings.org_name}",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.org = org
    app.state.settings = settings
    app.state.token_issuer, app.state.token_verifier = issuer, verifier
    app.state.import_jobs = ImportJobs(max_rows=settings.import_max_rows)
    install_http_error_handlers(app)
    app.include_router(health_router())
    install_metrics(app)
    app.include_router(auth_router)
    app.include_router(audit_router, dependencies=[Depends(admin_only)])
    for router in (staff_router, organization_router, period_lock_router):
        app.include_router(router, dependencies=[Depends(admin_writes)])
    for router in (
        business_router,
        goal_router,
        support_session_router,
        task_router,
        sharing_router,
        transfer_router,
        financials_router,
        policy_support_router,
        outcome_router,
        outcome_record_router,
        plan_router,
        report_router,
        notice_feed_router,
        inbox_router,
    ):
        app.include_router(router, dependencies=[Depends(staff_access)])
    install_web(app)
    FastAPIInstrumentor.instrument_app(app)
    return app
