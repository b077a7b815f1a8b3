"""The worker that turns marks into outcome records in the outbox; woken after every commit that wrote marks."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from banso_core.db import Database
from banso_core.wakeup import Wakeup
from org_records.org import OrgIdentity
from org_records.outcome_record.repository import MARKS_IN_TRANSACTION, OUTCOME_WORKER
from org_records.outcome_record.service import OutcomeRecordService, outcome_record_service

log = logging.getLogger(__name__)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_the_transactions_marks(session: Session) -> None:
    session.info.pop(MARKS_IN_TRANSACTION, None)


class OutcomeRecordWorker:
    def __init__(
        self,
        database: Database,
        org: OrgIdentity,
        *,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        gather_seconds: float = 1.0,
        service: OutcomeRecordService = outcome_record_service,
    ) -> None:
        self.database = database
        self.org = org
        self.batch_size = batch_size
        self.gather_seconds = gather_seconds
        self.service = service
        self.wakeup = Wakeup(database, OUTCOME_WORKER, poll_seconds)

    def stop(self) -> None:
        """Finish the round in hand (commit) and return from `run`."""
        self.wakeup.stop()

    async def run(self) -> None:
        while not self.wakeup.stopping:
            self.wakeup.start_round()
            try:
                consumed = await self.publish_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("outcome records of %s paused (%s); retrying", self.org.org_id, error)
                consumed = 0
                await asyncio.sleep(0.25)
            if consumed < self.batch_size and await self.wakeup.wait():
                # Woken by a commit: let the marks of a burst of writes gather into one round.
                await self.wakeup.linger(self.gather_seconds)

    async def publish_once(self) -> int:
        """One round: the marked records computed beside the writers, the changed ones queued in one short write
        transaction with the removal of the marks consumed. Answers how many marks were consumed."""
        async with self.database.session(read_only=True) as session:
            round_ = await self.service.compute_round(session, self.org, self.batch_size)
        if round_ is None:
            return 0
        async with self.database.session() as session:
            if not await self.service.queue_round(session, round_):
                return 0
            await session.commit()
        return len(round_.mark_ids)
