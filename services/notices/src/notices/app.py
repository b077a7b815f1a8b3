"""notices: 県からのお知らせ, posts, comments, read receipts — for now the service only answers its health checks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from banso_core.service import health_router, start_grpc_server
from notices.config import NoticesSettings


def create_app(settings: NoticesSettings | None = None) -> FastAPI:
    settings = settings or NoticesSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        grpc, app.state.grpc_port = await start_grpc_server(settings.http_host, settings.grpc_port, [], [])
        try:
            yield
        finally:
            await grpc.stop(grace=1)

    app = FastAPI(title="Bansō notices — お知らせ", version="0.1.0", lifespan=lifespan)
    app.include_router(health_router())
    return app
