from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.newest import Incoming, upsert_newest
from analytics.outcome_record.models import StoredOutcomeRecord

KEY = ("org_id", "business_ref", "fiscal_year", "fiscal_quarter")


class OutcomeRecordRepository:
    async def upsert_newest(self, session: AsyncSession, records: Sequence[Incoming]) -> None:
        if records:
            await upsert_newest(session, StoredOutcomeRecord, KEY, records)

    async def fingerprint(self, session: AsyncSession) -> tuple[int, int, int]:
        """Rows (tombstones included), tombstones, and the sum of the versions modulo 2^31 (see `Fingerprint`)."""
        rows, withdrawn, versions = (
            await session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(case((StoredOutcomeRecord.withdrawn, 1), else_=0)), 0),
                    func.coalesce(func.sum(StoredOutcomeRecord.version % 2**31), 0),
                )
            )
        ).one()
        return int(rows), int(withdrawn), int(versions)

    async def every_row(self, session: AsyncSession) -> Sequence[Row[Any]]:
        """Every record, tombstones included, as plain rows (no ORM objects: there may be millions)."""
        columns = [column for column in StoredOutcomeRecord.__table__.columns if column.name != "ingested_at"]
        return (await session.execute(select(*columns))).all()

    async def get(self, session: AsyncSession, key: tuple[str, str, int, int]) -> StoredOutcomeRecord | None:
        return await session.get(StoredOutcomeRecord, key)
