"""The parts of a service's lifespan that every service shares: gRPC server, health endpoints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import grpc
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from banso_core.db import Database
from banso_core.errors import DomainErrorInterceptor
from banso_core.messaging import NatsLink
from banso_core.settings import ServiceSettings
from banso_core.telemetry import configure_logging

GrpcRegistration = Callable[[grpc.aio.Server], None]


async def start_grpc_server(
    host: str,
    port: int,
    registrations: Sequence[GrpcRegistration],
    service_names: Sequence[str],
    interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
) -> tuple[grpc.aio.Server, int]:
    """Start a grpc.aio server with the health service and reflection; returns it and its port.

    `interceptors` run inside the one that maps domain errors to status codes, so they may raise domain errors.
    """
    server = grpc.aio.server(interceptors=[DomainErrorInterceptor(), *interceptors])
    for register in registrations:
        register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ["", *service_names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server,
    )
    bound_port = server.add_insecure_port(f"{host}:{port}")
    await server.start()
    return server, bound_port


def health_router() -> APIRouter:
    """`/healthz` (the process answers) and `/readyz` (the database and NATS it uses are reachable, and whatever
    else the app lists in `app.state.ready_checks`: name → a function that says whether that part is ready)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, bool] = {}
        database: Database | None = getattr(request.app.state, "database", None)
        if database is not None:
            checks["database"] = await database.is_reachable()
        nats_link: NatsLink | None = getattr(request.app.state, "nats", None)
        if nats_link is not None:
            checks["nats"] = nats_link.is_connected
        for name, check in getattr(request.app.state, "ready_checks", {}).items():
            checks[name] = bool(check())
        ready = all(checks.values())
        return JSONResponse(status_code=200 if ready else 503, content={"ready": ready, "checks": checks})

    return router


def run_service(create_app: Callable[[Any], FastAPI], settings: ServiceSettings) -> None:
    """`python -m <service>`: serve the app on the host and port its own settings name, logging as configured."""
    import uvicorn

    service_name = create_app.__module__.split(".")[0]
    configure_logging(service_name, settings.log_format, settings.log_level)
    # uvicorn's own loggers propagate to the root handler instead of printing in their own format.
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)
