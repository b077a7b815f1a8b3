from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from banso_core.db import DbSession, service_metadata

__all__ = ["MIGRATIONS", "Base", "DbSession"]


class Base(DeclarativeBase):
    metadata = service_metadata()


MIGRATIONS = "exchange:migrations"

SEARCH_INDEX_OBJECTS = ("shared_goal_fts", "ix_shared_goal_search_vector")
"""Made by migration 0003 only, per database (SQLite's FTS5 table and its shadow tables, PostgreSQL's GIN index):
the models cannot describe them, so schema comparisons leave out names that start with these."""
