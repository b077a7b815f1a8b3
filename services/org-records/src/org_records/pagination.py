"""Keyset pages ordered by (updated_at, id), so that `updated_since` plus the cursor is a safe incremental sync.

A row changed while a client walks the pages moves behind the cursor's position and comes again, newer, on a
later page; no row is skipped. Cursors are opaque (base64 of the last row's position) and carry no filters.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from banso_core.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Row = TypeVar("Row")
Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the (updated_at, id) of its last row."""

    updated_at: dt.datetime
    id: int


def encode_cursor(position: Position) -> str:
    raw = json.dumps([position.updated_at.isoformat(), position.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        updated_at, row_id = json.loads(raw)
        position = Position(dt.datetime.fromisoformat(updated_at), row_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise InvalidInput(
            "cursor is not one this service issued (use next_cursor as given)", field="cursor"
        ) from error
    if position.updated_at.tzinfo is None or not isinstance(position.id, int) or isinstance(position.id, bool):
        raise InvalidInput("cursor is not one this service issued (use next_cursor as given)", field="cursor")
    return position


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Timestamps without an offset are read as UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    updated_since: dt.datetime | None = None
    """Only rows changed at or after this moment."""

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
        if self.cursor:
            decode_cursor(self.cursor)


@dataclass(frozen=True, slots=True)
class Page(Generic[Row]):
    items: Sequence[Row]
    next_cursor: str | None


async def keyset_page(
    session: AsyncSession,
    query: Select[Row],
    updated_at: InstrumentedAttribute[dt.datetime],
    row_id: InstrumentedAttribute[int],
    request: PageRequest,
) -> Page[Row]:
    """One page of `query` (already filtered) after the request's cursor, oldest change first."""
    if request.updated_since is not None:
        query = query.where(updated_at >= as_utc(request.updated_since))
    if request.cursor:
        after = decode_cursor(request.cursor)
        query = query.where(or_(updated_at > after.updated_at, and_(updated_at == after.updated_at, row_id > after.id)))
    query = query.order_by(updated_at, row_id).limit(request.limit + 1)
    rows = list((await session.scalars(query)).all())
    if len(rows) <= request.limit:
        return Page(rows, None)
    rows = rows[: request.limit]
    last: Any = rows[-1]
    return Page(rows, encode_cursor(Position(last.updated_at, last.id)))


class PageOut(BaseModel, Generic[Item]):
    """A page of a list: pass `next_cursor` back as `cursor` for the next one; null on the last page."""

    items: list[Item]
    next_cursor: str | None


def page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    updated_since: Annotated[
        dt.datetime | None, Query(description="only rows changed at or after (UTC if no offset)")
    ] = None,
) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor or None, updated_since=updated_since)


PageQuery = Annotated[PageRequest, Depends(page_request)]


def grpc_page_request(page_size: int, page_token: str, updated_since: dt.datetime | None) -> PageRequest:
    """A gRPC list request's paging: page_size 0 means the default and larger sizes are cut to the maximum."""
    if page_size < 0:
        raise InvalidInput("page_size must not be negative", field="page_size")
    limit = min(page_size or DEFAULT_LIMIT, MAX_LIMIT)
    return PageRequest(limit=limit, cursor=page_token or None, updated_since=updated_since)
