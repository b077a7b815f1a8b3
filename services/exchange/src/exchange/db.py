from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from banso_core.db import Database, service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


MIGRATIONS = "exchange:migrations"


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.sessions() as session:
        yield session
        await session.commit()


DbSession = Annotated[AsyncSession, Depends(request_session, scope="function")]
