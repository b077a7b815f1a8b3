"""Alerts leave for each organization on `banso.notices.<org>.alert.<alert_id>`, the channel its notice feed reads.

Finding similar goals costs a search per goal, so it runs beside ingestion, not in it: the consumer hands over
the goals it committed and this watcher works through them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from banso.events.v1 import notice_pb2
from banso_core.db import Database
from banso_core.messaging import MSG_ID_HEADER, NOTICES_STREAM, NatsLink, alert_subject, ensure_stream
from exchange.similar_alert.service import AlertPolicy, SimilarGoalAlert, similar_alert_service

log = logging.getLogger(__name__)


def encode_alert(alert: SimilarGoalAlert) -> bytes:
    message = notice_pb2.SimilarGoalAlert(
        org_id=alert.org_id,
        alert_id=alert.alert_id,
        staff_handle=alert.staff_handle,
        goal_ref=alert.goal.goal_ref,
        goal_text=alert.goal.text,
        other_org_id=alert.other.org_id,
        other_org_name=alert.other.org_name,
        other_goal_ref=alert.other.goal_ref,
        other_goal_text=alert.other.text,
        other_staff_name=alert.other.staff_name,
        category=alert.goal.category,
        shared_terms=list(alert.shared_terms),
        similarity=round(alert.similarity, 3),
    )
    message.found_at.FromDatetime(alert.found_at)
    return message.SerializeToString()


class SimilarGoalWatcher:
    """Looks for goals of other organizations similar to each goal the exchange has just stored."""

    def __init__(self, database: Database, nats: NatsLink, policy: AlertPolicy, backlog: int = 10_000) -> None:
        self.database = database
        self.nats = nats
        self.policy = policy
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=backlog)
        self._stopping = asyncio.Event()
        self._checking = False

    @property
    def idle(self) -> bool:
        """Nothing waiting and nothing being checked."""
        return self._queue.empty() and not self._checking

    def goals_stored(self, keys: Iterable[tuple[str, str]]) -> None:
        for key in keys:
            try:
                self._queue.put_nowait(key)
            except asyncio.QueueFull:
                log.warning("similar-goal watcher behind by %d goals; %s/%s not checked", self._queue.qsize(), *key)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            getting = asyncio.ensure_future(self._queue.get())
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not getting.done():
                getting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await getting
                return
            org_id, goal_ref = getting.result()
            self._checking = True
            try:
                await self.check(org_id, goal_ref)
            except Exception as error:
                log.warning("similar-goal check of %s/%s failed (%s); retrying later", org_id, goal_ref, error)
                await asyncio.sleep(1.0)
                self.goals_stored([(org_id, goal_ref)])
            finally:
                self._checking = False

    async def check(self, org_id: str, goal_ref: str) -> None:
        """Find in a read-only transaction (a search per goal must not hold SQLite's write slot), then record each
        new pair and send its alerts in a short one; a pair is kept only once its alerts are sent."""
        async with self.database.session(read_only=True) as session:
            found = await similar_alert_service.alerts_for(session, org_id, goal_ref, self.policy)
        if not found:
            return
        js = await self.nats.jetstream()
        await ensure_stream(js, NOTICES_STREAM)
        async with self.database.session() as session:
            for pair, alerts in found:
                if not await similar_alert_service.record(session, pair):
                    continue
                for alert in alerts:
                    await js.publish(
                        alert_subject(alert.org_id, alert.alert_id),
                        encode_alert(alert),
                        headers={MSG_ID_HEADER: f"similar-{alert.alert_id}-{alert.org_id}"},
                    )
            await session.commit()
