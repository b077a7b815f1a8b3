"""Pytest fixtures every Bansō test suite uses (loaded with `-p banso_core.testing.plugin`).

- `nats_server`: an isolated JetStream nats-server per test on a free port.
- `database_url`: a fresh database per test — SQLite always, PostgreSQL for tests marked `postgres` when
  `BANSO_TEST_POSTGRES_URL` is set or a Docker engine is reachable (testcontainers).
- `spans`: the finished spans of this test (an in-memory exporter installed for the whole run).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from banso_core.testing.servers import NatsServer, PostgresDatabases, docker_engine_reachable, running_nats_server

_exporter = InMemorySpanExporter()


def pytest_configure(config: pytest.Config) -> None:
    # Every test instance creates and signs in staff: hash their passwords at the cheap cost (never in production).
    os.environ.setdefault("ORG_RECORDS_PASSWORD_COST", "test")
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": "banso-tests"}))
        provider.add_span_processor(SimpleSpanProcessor(_exporter))
        trace.set_tracer_provider(provider)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("postgres") is not None:
            backends.append("postgresql")
        metafunc.parametrize("database_backend", backends)


@pytest.fixture
def spans() -> Iterator[Callable[[], tuple[ReadableSpan, ...]]]:
    _exporter.clear()
    yield _exporter.get_finished_spans
    _exporter.clear()


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    with running_nats_server(tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    url = os.environ.get("BANSO_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    if not docker_engine_reachable():
        yield None
        return
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver=None) as container:
        yield container.get_connection_url()


@pytest.fixture
def database_backend() -> str:  # parametrised by pytest_generate_tests
    return "sqlite"


@pytest.fixture
async def database_url_factory(
    database_backend: str, postgres_admin_url: str | None, tmp_path: Path
) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Makes fresh database URLs (one per service in a test) on the test's backend."""
    if database_backend == "postgresql" and postgres_admin_url is None:
        pytest.skip("PostgreSQL variant: set BANSO_TEST_POSTGRES_URL or start a Docker engine")
    created: list[str] = []
    postgres = PostgresDatabases(postgres_admin_url) if postgres_admin_url else None

    async def make(name: str) -> str:
        if database_backend == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        assert postgres is not None
        url = await postgres.create()
        created.append(url)
        return url

    yield make
    for url in created:
        assert postgres is not None
        await postgres.drop(url)


@pytest.fixture
async def database_url(database_url_factory: Callable[[str], Awaitable[str]]) -> str:
    return await database_url_factory("service")
