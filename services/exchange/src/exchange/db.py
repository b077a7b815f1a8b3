from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from banso_core.db import DbSession, service_metadata

__all__ = ["MIGRATIONS", "Base", "DbSession"]


class Base(DeclarativeBase):
    metadata = service_metadata()


MIGRATIONS = "exchange:migrations"
