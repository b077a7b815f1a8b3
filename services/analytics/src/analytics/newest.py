"""Applying versioned messages idempotently: a row replaces the stored one only if it supersedes it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.db import Base

# asyncpg allows 32,767 bind parameters per statement; a row takes at most ~20.
ROWS_PER_STATEMENT = 1_000


@dataclass(frozen=True, slots=True)
class Incoming:
    """A decoded message: its key, version, whether it is a tombstone, and the row it stores."""

    key: tuple[Any, ...]
    version: int
    withdrawn: bool
    row: dict[str, Any]

    def supersedes(self, other: Incoming) -> bool:
        """Higher version wins; at the same version a tombstone wins over an upsert."""
        return (self.version, self.withdrawn) > (other.version, other.withdrawn)


def newest_per_key(messages: Iterable[Incoming]) -> list[Incoming]:
    newest: dict[tuple[Any, ...], Incoming] = {}
    for message in messages:
        held = newest.get(message.key)
        if held is None or message.supersedes(held):
            newest[message.key] = message
    return list(newest.values())


async def upsert_newest(
    session: AsyncSession, model: type[Base], key: Sequence[str], messages: Sequence[Incoming]
) -> None:
    """One statement per thousand rows; each replaces the stored one only where it supersedes it."""
    rows = [message.row for message in newest_per_key(messages)]
    table: Any = model
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        part = rows[start : start + ROWS_PER_STATEMENT]
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = insert(model).values(part)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: excluded[name] for name in part[0] if name not in key} | {"ingested_at": func.now()},
            where=or_(
                excluded.version > table.version,
                and_(excluded.version == table.version, excluded.withdrawn, ~table.withdrawn),
            ),
        )
        await session.execute(statement)
