from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import DeclarativeBase

from banso_core.db import DbSession, service_metadata

__all__ = ["MIGRATIONS", "Base", "DbSession", "Id"]


class Base(DeclarativeBase):
    metadata = service_metadata()


Id = BigInteger().with_variant(Integer, "sqlite")
"""Row ids: 64-bit on PostgreSQL, SQLite's INTEGER PRIMARY KEY (its rowid) on SQLite."""

MIGRATIONS = "notices:migrations"
