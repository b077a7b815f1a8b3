"""Consuming `banso.goals.<org>.<goal_ref>`: decode, check the organization, apply, commit, then ack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg

from banso.events.v1 import goal_summary_pb2
from banso_core.db import Database
from banso_core.messaging import (
    GOALS_STREAM,
    DurableConsumer,
    NatsLink,
    Undeliverable,
    decoded_batch,
    goal_subject,
    org_of_subject,
    purge_all_but_newest,
)
from banso_core.text import has_control_characters
from exchange.goal_summary.service import IncomingSummary, goal_summary_service

MAX_TEXT_LENGTH = 400
MAX_REF_LENGTH = 64
MAX_VERSION = 2**63 - 1


class UndeliverableSummary(Undeliverable):
    """A message that no retry can make valid; it goes to the dead-letter stream with this reason."""


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise UndeliverableSummary(f"{field} is not an ISO date: {value[:20]!r}") from error


def decode_goal_summary(subject: str, data: bytes) -> IncomingSummary:
    message = goal_summary_pb2.GoalSummary()
    try:
        message.ParseFromString(data)
    except DecodeError as error:
        raise UndeliverableSummary(f"not a banso.events.v1.GoalSummary: {error}") from error
    if not message.org_id or len(message.org_id) > MAX_REF_LENGTH:
        raise UndeliverableSummary("org_id missing or longer than 64 characters")
    for field, value in message.ListFields():
        if isinstance(value, str) and has_control_characters(value):
            raise UndeliverableSummary(f"{field.name} contains control characters")
    if message.org_id != org_of_subject(subject):
        raise UndeliverableSummary(f"payload org {message.org_id!r} differs from subject {subject!r}")
    if not message.goal_ref or len(message.goal_ref) > MAX_REF_LENGTH:
        raise UndeliverableSummary("goal_ref missing or too long")
    if not 0 < message.version <= MAX_VERSION:
        raise UndeliverableSummary(f"version must be between 1 and {MAX_VERSION}")
    try:
        updated_at = message.updated_at.ToDatetime(tzinfo=dt.UTC)
    except (ValueError, OverflowError) as error:
        raise UndeliverableSummary(f"updated_at is not a valid timestamp: {error}") from error
    if message.op == goal_summary_pb2.GOAL_SUMMARY_OP_DELETE:
        withdrawn = True
    elif message.op == goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT:
        withdrawn = False
    else:
        raise UndeliverableSummary(f"unknown op {message.op}")
    if len(message.text) > MAX_TEXT_LENGTH:
        raise UndeliverableSummary(f"text longer than {MAX_TEXT_LENGTH} characters")
    return IncomingSummary(
        org_id=message.org_id,
        goal_ref=message.goal_ref,
        version=message.version,
        withdrawn=withdrawn,
        updated_at=updated_at,
        org_name=message.org_name[:200],
        staff_name=message.staff_name[:100],
        staff_handle=message.staff_handle[:64],
        business_form=message.business_form[:20],
        jsic_major=message.jsic_major[:1],
        jsic_middle=message.jsic_middle[:2],
        employee_band=message.employee_band[:10],
        set_on=_date(message.set_on, "set_on"),
        category=message.category[:40],
        text=message.text,
        status=message.status[:20],
        achieved_on=_date(message.achieved_on, "achieved_on"),
    )


class GoalSummaryConsumer(DurableConsumer):
    def __init__(
        self,
        database: Database,
        nats: NatsLink,
        durable: str,
        batch_size: int,
        goals_stored: Callable[[list[tuple[str, str]]], None] | None = None,
        analysis_pool: Executor | None = None,
        analysis_workers: int = 1,
    ) -> None:
        self.analysis_pool, self.analysis_workers = analysis_pool, analysis_workers
        """Processes that analyse each batch's texts (None: on the event loop)."""
        self.goals_stored = goals_stored
        """Told, after each commit, which shared goals were stored (the similar-goal watcher)."""
        super().__init__(
            database, nats, stream=GOALS_STREAM, durable=durable, filter_subject="banso.goals.>", batch_size=batch_size
        )

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        js = await self.nats.jetstream()
        async with decoded_batch(js, msgs, decode_goal_summary, "exchange.consume") as decoded:
            summaries = [summary for _, summary in decoded]
            # Before the session: on SQLite a write session holds the write gate.
            terms = await goal_summary_service.analyse(summaries, self.analysis_pool, self.analysis_workers)
            async with self.database.session() as session:
                await goal_summary_service.ingest(session, summaries, terms)
                await session.commit()
        for msg in msgs:
            await msg.ack()
        # Only after the commit: the exchange no longer shows them, and now the stream no longer holds them.
        for subject in {goal_subject(s.org_id, s.goal_ref) for s in summaries if s.withdrawn}:
            await purge_all_but_newest(js, GOALS_STREAM, subject)
        if self.goals_stored is not None:
            self.goals_stored(list(dict.fromkeys(s.key for s in summaries if not s.withdrawn)))
