from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import trace
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.telemetry import current_trace_headers
from org_records.outbox.models import OutboxMessage

tracer = trace.get_tracer(__name__)

OUTBOX_WRITTEN = "outbox_written"


class OutboxRepository:
    async def add(self, session: AsyncSession, subject: str, payload: bytes) -> OutboxMessage:
        with tracer.start_as_current_span("outbox.write", attributes={"messaging.destination.name": subject}):
            message = OutboxMessage(subject=subject, payload=payload, trace_headers=current_trace_headers())
            session.add(message)
            await session.flush()
        session.info[OUTBOX_WRITTEN] = True
        return message

    async def unsent(self, session: AsyncSession, limit: int) -> Sequence[OutboxMessage]:
        query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
        return (await session.scalars(query)).all()

    async def mark_sent(self, session: AsyncSession, ids: Sequence[int]) -> None:
        await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(sent_at=utc_now()))

    async def backlog(self, session: AsyncSession) -> int:
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        return (await session.scalar(query)) or 0
