"""`python -m exchange rebuild`: empty the exchange's store and rebuild it from the goals stream.

The store is derived: applying every message on BANSO_GOALS again, in stream order, with the same idempotent,
version-checked upserts as the live consumer, ends in the same rows. Messages the consumer refused (dead-lettered)
are refused again and counted. The durable consumer of a running exchange is left alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from banso_core.db import Database
from banso_core.messaging import GOALS_STREAM
from exchange.goal_summary.events import UndeliverableSummary, decode_goal_summary
from exchange.goal_summary.service import IncomingSummary, goal_summary_service


@dataclass
class RebuildProgress:
    """How far a rebuild has come (messages are stream messages, refused ones included)."""

    messages: int = 0
    of: int = 0
    refused: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.messages / self.seconds if self.seconds else 0.0
        share = 100 * self.messages / self.of if self.of else 100.0
        return (
            f"{self.messages:,} / {self.of:,} messages ({share:.0f} %), {self.refused:,} refused, "
            f"{rate:,.0f} messages/s"
        )


async def rebuild_from_stream(
    database: Database,
    js: JetStreamContext,
    *,
    batch_size: int = 2_000,
    report: Callable[[RebuildProgress], None] = lambda progress: None,
) -> RebuildProgress:
    """Empty `shared_goal` (and its index), then apply the goals stream from its first message to the last one
    there when the rebuild began."""
    async with database.session() as session:
        await goal_summary_service.clear(session)
        await session.commit()
    info = await js.stream_info(GOALS_STREAM.name)
    progress = RebuildProgress(of=info.state.messages)
    last = info.state.last_seq
    started = time.monotonic()
    if not progress.of:
        report(progress)
        return progress
    reader = await js.pull_subscribe(
        "banso.goals.>",
        stream=GOALS_STREAM.name,
        config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=60.0),
    )
    try:
        done = False
        while not done:
            msgs = await reader.fetch(batch_size, timeout=10)
            summaries: list[IncomingSummary] = []
            for msg in msgs:
                if msg.metadata.sequence.stream > last:
                    done = True
                    break
                progress.messages += 1
                try:
                    summaries.append(decode_goal_summary(msg.subject, msg.data))
                except UndeliverableSummary:
                    progress.refused += 1
                done = done or msg.metadata.sequence.stream >= last
            async with database.session() as session:
                await goal_summary_service.ingest(session, summaries)
                await session.commit()
            progress.seconds = time.monotonic() - started
            report(progress)
    finally:
        await reader.unsubscribe()
    return progress
