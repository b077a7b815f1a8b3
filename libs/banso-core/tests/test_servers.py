"""The test servers themselves: a port taken between choosing and listening, and a failed start, cost one test at
most (a SystemExit from uvicorn used to stop the worker's event loop and fail every test after it)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from banso_core.testing.servers import ServedApp, running_nats_server


def hello_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


async def test_a_port_taken_since_it_was_chosen_gives_way_to_a_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        served = ServedApp(hello_app(), port=taken.getsockname()[1])
        await served.start()
        try:
            assert served.port != taken.getsockname()[1]
            async with httpx.AsyncClient(base_url=served.url) as client:
                assert (await client.get("/hello")).json() == {"hello": "world"}
        finally:
            await served.stop()


async def test_a_failed_start_is_an_error_of_this_test_only():
    @contextlib.asynccontextmanager
    async def failing(app: FastAPI) -> AsyncIterator[None]:
        raise RuntimeError("the database is away")
        yield

    with pytest.raises(RuntimeError):
        await ServedApp(FastAPI(lifespan=failing)).start()
    served = ServedApp(hello_app())  # the event loop still runs
    await served.start()
    await served.stop()


def test_nats_server_listens_where_it_says_and_keeps_its_port_across_a_restart(tmp_path):
    with running_nats_server(tmp_path) as server:
        first = server.port
        with socket.create_connection(("127.0.0.1", first), timeout=2):
            pass
        server.stop()
        server.start()
        assert server.port == first
        with socket.create_connection(("127.0.0.1", first), timeout=2):
            pass
