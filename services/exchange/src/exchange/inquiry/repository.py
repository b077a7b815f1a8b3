from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.wakeup import wake_after_commit
from exchange.inquiry.models import Inquiry, InquiryMessage

QUESTIONS_RELAY = "inquiry_relay"
"""The relay's round (`banso_core.wakeup`): woken after a commit that wrote a question."""
"""Session info key: the transaction holds a question to relay (the relay is woken after its commit)."""


class InquiryRepository:
    async def get(self, session: AsyncSession, inquiry_id: str) -> Inquiry | None:
        return await session.get(Inquiry, inquiry_id)

    async def add(self, session: AsyncSession, inquiry: Inquiry, question: InquiryMessage) -> None:
        session.add(inquiry)
        await session.flush()
        session.add(question)
        await session.flush()
        wake_after_commit(session, QUESTIONS_RELAY)

    async def message(self, session: AsyncSession, message_id: str) -> InquiryMessage | None:
        return await session.get(InquiryMessage, message_id)

    async def add_message(self, session: AsyncSession, message: InquiryMessage) -> None:
        session.add(message)
        await session.flush()

    async def messages(self, session: AsyncSession, inquiry_ids: Sequence[str]) -> dict[str, list[InquiryMessage]]:
        """The messages of each thread, oldest first."""
        query = (
            select(InquiryMessage)
            .where(InquiryMessage.inquiry_id.in_(inquiry_ids))
            .order_by(InquiryMessage.written_at, InquiryMessage.id)
        )
        threads: dict[str, list[InquiryMessage]] = {inquiry_id: [] for inquiry_id in inquiry_ids}
        for message in (await session.scalars(query)).all():
            threads[message.inquiry_id].append(message)
        return threads

    async def of_org(
        self, session: AsyncSession, org_id: str, limit: int, offset: int
    ) -> tuple[Sequence[Inquiry], int]:
        """Threads the organization sent or received, the most recently active first."""
        mine = or_(Inquiry.asker_org_id == org_id, Inquiry.owner_org_id == org_id)
        total = int(await session.scalar(select(func.count()).select_from(Inquiry).where(mine)) or 0)
        query = select(Inquiry).where(mine).order_by(Inquiry.updated_at.desc(), Inquiry.id).limit(limit).offset(offset)
        return (await session.scalars(query)).all(), total

    async def unpublished_questions(
        self, session: AsyncSession, limit: int
    ) -> Sequence[tuple[InquiryMessage, Inquiry]]:
        query = (
            select(InquiryMessage, Inquiry)
            .join(Inquiry, Inquiry.id == InquiryMessage.inquiry_id)
            .where(InquiryMessage.kind == "question", InquiryMessage.published_at.is_(None))
            .order_by(InquiryMessage.written_at)
            .limit(limit)
        )
        return [(row[0], row[1]) for row in (await session.execute(query)).all()]

    async def mark_published(self, session: AsyncSession, message_ids: Sequence[str]) -> None:
        await session.execute(
            update(InquiryMessage).where(InquiryMessage.id.in_(message_ids)).values(published_at=utc_now())
        )
