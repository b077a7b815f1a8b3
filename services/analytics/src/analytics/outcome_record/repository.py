from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.newest import Incoming, upsert_newest
from analytics.outcome_record.models import OutcomeRecordBatches, StoredOutcomeRecord

KEY = ("org_id", "business_ref", "fiscal_year", "fiscal_quarter")


class OutcomeRecordRepository:
    async def upsert_newest(self, session: AsyncSession, records: Sequence[Incoming]) -> None:
        if records:
            await upsert_newest(session, StoredOutcomeRecord, KEY, records)

    async def count_batch(self, session: AsyncSession) -> int:
        """This batch's number, one more than the last committed batch's (the row stays locked until commit)."""
        counted = await session.execute(
            update(OutcomeRecordBatches)
            .where(OutcomeRecordBatches.id == 1)
            .values(committed=OutcomeRecordBatches.committed + 1)
            .returning(OutcomeRecordBatches.committed)
        )
        return int(counted.scalar_one())

    async def batches(self, session: AsyncSession) -> int:
        """How many batches of records have been committed to the store."""
        return int((await session.execute(select(OutcomeRecordBatches.committed))).scalar_one())

    async def every_row(self, session: AsyncSession) -> Sequence[Row[Any]]:
        """Every record, tombstones included, as plain rows (no ORM objects: there may be millions)."""
        columns = [column for column in StoredOutcomeRecord.__table__.columns if column.name != "ingested_at"]
        return (await session.execute(select(*columns))).all()

    async def get(self, session: AsyncSession, key: tuple[str, str, int, int]) -> StoredOutcomeRecord | None:
        return await session.get(StoredOutcomeRecord, key)
