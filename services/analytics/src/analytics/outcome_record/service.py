from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.newest import Incoming, newest_per_key
from analytics.outcome_record.repository import OutcomeRecordRepository
from analytics.tables.register import kept_register


class OutcomeRecordService:
    def __init__(self) -> None:
        self.records = OutcomeRecordRepository()

    async def ingest(self, session: AsyncSession, records: Sequence[Incoming]) -> None:
        """Apply a batch idempotently: older versions never overwrite newer ones; a tombstone clears the record.
        Once committed, the batch is applied to the register this process keeps in memory too."""
        await self.records.upsert_newest(session, records)
        if not records:
            return
        batch = await self.records.count_batch(session)
        kept = kept_register(session, create=False)
        if kept is not None:
            newest = newest_per_key(records)

            def apply(_: object) -> None:
                kept.apply_batch(
                    batch, [(record.key, record.version, record.withdrawn, record.row) for record in newest]
                )

            event.listen(session.sync_session, "after_commit", apply, once=True)


outcome_record_service = OutcomeRecordService()
