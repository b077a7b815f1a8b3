"""Database plumbing shared by every service: naming convention, UTC timestamps, engines, migrations.

SQLite is the embedded default and PostgreSQL the production store; the same models and migrations run on
both. Engines are opened at startup, never at import.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any

from alembic import command, context
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp that comes back aware on SQLite too (stored as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def async_url(url: str) -> str:
    """Accept plain `sqlite:///…` and `postgresql://…` URLs and pick the async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


READ_ONLY = "banso_read_only"
"""Execution option marking a SQLite connection's transactions as read-only (deferred BEGIN)."""

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _prepare_sqlite(engine: AsyncEngine) -> None:
    # WAL lets readers run beside the writer. Write transactions are serialised in-process by WriteGate and
    # still BEGIN IMMEDIATE, so that a writer in another process makes them wait on busy_timeout instead of
    # failing when a read transaction tries to upgrade. Read-only transactions begin deferred and never wait.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class WriteGate:
    """One write transaction at a time per SQLite database, queued in asyncio.

    SQLite allows one writer; without this, writers contend in SQLite's busy handler, which sleeps with
    back-off (up to 100 ms a retry) instead of waking when the lock is released, and the tail latency goes to
    seconds. Re-entrant for the task that holds it, so a write session opened inside another does not hang
    (it still waits on SQLite's lock, as it always did). A writer that cannot get in within `timeout` seconds
    fails, as it would on SQLite's busy_timeout, rather than hanging.
    """

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and task is self._holder:
            yield
            return
        try:
            async with asyncio.timeout(self.timeout):
                await self._lock.acquire()
        except TimeoutError:
            raise TimeoutError(f"database is locked: no write slot within {self.timeout} s") from None
        self._holder = task
        try:
            yield
        finally:
            self._holder = None
            self._lock.release()


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    write_gate: WriteGate | None = field(default=None, repr=False)
    """SQLite only: serialises write sessions in this process (PostgreSQL needs none)."""

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @cached_property
    def reader(self) -> AsyncEngine:
        """The engine for read-only work: on SQLite its transactions begin deferred, beside the writer."""
        if self.dialect != "sqlite":
            return self.engine
        return self.engine.execution_options(**{READ_ONLY: True})

    @classmethod
    async def open(cls, url: str, *, migrations: str) -> Database:
        """Open the engine and bring the schema to the newest migration.

        `migrations` is the Alembic script location in package form, e.g. `org_records:migrations`.
        """
        engine = create_async_engine(async_url(url), pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            _prepare_sqlite(engine)
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to_head, migrations)
        return cls(
            engine=engine,
            sessions=async_sessionmaker(engine, expire_on_commit=False),
            write_gate=WriteGate() if engine.dialect.name == "sqlite" else None,
        )

    async def is_reachable(self) -> bool:
        try:
            async with self.reader.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def session(self, *, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work for edges that are not HTTP requests (gRPC calls, consumers, jobs).

        On SQLite a write session (the default) waits for the write gate and holds it until it ends, so keep
        slow non-database work (network calls) outside it. `read_only=True` promises not to write: it neither
        waits nor blocks writers (a write in it may fail with "database is locked" under contention).
        """
        if read_only or self.write_gate is None:
            bind = self.reader if read_only else self.engine
            async with self.sessions(bind=bind) as session:
                yield session
            return
        async with self.write_gate.held(), self.sessions() as session:
            yield session


def _upgrade_to_head(connection: Connection, migrations: str) -> None:
    config = Config()
    config.set_main_option("script_location", migrations)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def run_migrations_online(target_metadata: MetaData) -> None:
    """The body of every service's Alembic env.py: migrate on the connection the service handed over."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request edge's unit of work: commit once when the endpoint succeeds, else roll back.

    GET/HEAD/OPTIONS requests read only, so on SQLite they run beside the writer instead of queueing for it.
    """
    database: Database = request.app.state.database
    async with database.session(read_only=request.method in READ_METHODS) as session:
        yield session
        await session.commit()


DbSession = Annotated[AsyncSession, Depends(request_session, scope="function")]
"""An endpoint's session; it ends (commit or rollback) before the response is sent."""
