"""Database sessions: concurrent writers never see "database is locked", readers never queue behind a writer,
and integers the database cannot store are refused as bad input, not as a server error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text

from banso_core.db import Database, DbSession
from banso_core.errors import install_http_error_handlers

MIGRATIONS = "org_records:migrations"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = await Database.open(database_url, migrations=MIGRATIONS)
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE tally (writer BIGINT NOT NULL, seen INTEGER NOT NULL)"))
    try:
        yield database
    finally:
        await database.close()


async def tally_rows(database: Database) -> int:
    async with database.session(read_only=True) as session:
        return int(await session.scalar(text("SELECT count(*) FROM tally")) or 0)


@pytest.mark.postgres
async def test_concurrent_read_then_write_sessions_all_commit(database: Database) -> None:
    # Each writer reads first, then writes: on SQLite a deferred transaction would fail to upgrade here.
    async def write(writer: int) -> None:
        async with database.session() as session:
            seen = await session.scalar(text("SELECT count(*) FROM tally"))
            await asyncio.sleep(0)
            await session.execute(text("INSERT INTO tally (writer, seen) VALUES (:w, :s)"), {"w": writer, "s": seen})
            await session.commit()

    await asyncio.gather(*(write(writer) for writer in range(200)))

    assert await tally_rows(database) == 200
    if database.dialect == "sqlite":  # serialised: every writer saw all the writes before it
        async with database.session(read_only=True) as session:
            seen = (await session.scalars(text("SELECT seen FROM tally ORDER BY seen"))).all()
        assert list(seen) == list(range(200))


@pytest.mark.postgres
async def test_a_reader_does_not_wait_for_an_open_write_transaction(database: Database) -> None:
    writing, release = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> None:
        async with database.session() as session:
            await session.execute(text("INSERT INTO tally (writer, seen) VALUES (1, 0)"))
            writing.set()
            await release.wait()
            await session.commit()

    writer = asyncio.create_task(slow_writer())
    await writing.wait()
    try:
        # Uncommitted rows are invisible, and the read answers while the write transaction is still open.
        assert await asyncio.wait_for(tally_rows(database), timeout=2) == 0
    finally:
        release.set()
        await writer
    assert await tally_rows(database) == 1


async def test_write_sessions_queue_in_order_of_arrival(database: Database) -> None:
    order: list[str] = []
    first_open = asyncio.Event()

    async def first() -> None:
        async with database.session() as session:
            first_open.set()
            await asyncio.sleep(0.05)
            await session.execute(text("INSERT INTO tally (writer, seen) VALUES (1, 0)"))
            await session.commit()
            order.append("first")

    async def second() -> None:
        await first_open.wait()
        async with database.session() as session:
            order.append("second began")
            await session.execute(text("INSERT INTO tally (writer, seen) VALUES (2, 0)"))
            await session.commit()

    await asyncio.gather(first(), second())
    assert order == ["first", "second began"]


async def test_a_write_session_opened_inside_another_does_not_hang(database: Database) -> None:
    async def nested() -> None:
        async with database.session() as outer:
            async with database.session() as inner:
                await inner.execute(text("INSERT INTO tally (writer, seen) VALUES (1, 0)"))
                await inner.commit()
            await outer.execute(text("INSERT INTO tally (writer, seen) VALUES (2, 0)"))
            await outer.commit()

    await asyncio.wait_for(nested(), timeout=5)
    assert await tally_rows(database) == 2


@pytest.mark.postgres
async def test_an_integer_beyond_int64_is_refused_as_input(database: Database) -> None:
    app = FastAPI()
    app.state.database = database
    install_http_error_handlers(app)

    @app.get("/tally/{writer}")
    async def count_of(writer: int, session: DbSession) -> int:
        statement = select(func.count()).select_from(text("tally")).where(text("writer = :w"))
        return int(await session.scalar(statement, {"w": writer}) or 0)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        in_range = await client.get(f"/tally/{2**63 - 1}")
        beyond = await client.get(f"/tally/{2**64}")

    assert in_range.status_code == 200 and in_range.json() == 0
    assert beyond.status_code == 422, beyond.text
    assert "範囲外" in beyond.json()["detail"][0]["msg"]


async def test_a_writer_that_cannot_get_in_fails_instead_of_hanging(database: Database) -> None:
    assert database.write_gate is not None
    database.write_gate.timeout = 0.2
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with database.session():
            holding.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await holding.wait()
    try:
        with pytest.raises(TimeoutError, match="database is locked"):
            async with database.session():
                pass
    finally:
        release.set()
        await task
