"""問い合わせ: an advisor asks the 担当者 of another organization's shared goal; the exchange keeps the thread and
relays it. The thread names organizations and people by display name, never the business: the owning advisor
decides what to tell."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import Forbidden, InvalidInput, NotFound
from banso_core.tokens import Principal
from banso_core.vocabulary import StaffRole
from exchange.goal_summary.repository import SharedGoalRepository
from exchange.inquiry.models import Inquiry, InquiryMessage
from exchange.inquiry.repository import InquiryRepository
from exchange.inquiry.schemas import InquiryCreate, InquiryListParams, InquiryMessageOut, InquiryOut

ASKING_ROLES = frozenset({StaffRole.advisor, StaffRole.lead_advisor, StaffRole.org_admin})
"""Who may ask: the advisors (経営指導員, 法定経営指導員) and the organization's administrator."""


@dataclass(frozen=True)
class IncomingReply:
    """A reply as the consumer decoded it (its subject checked against its payload)."""

    org_id: str
    inquiry_id: str
    reply_id: str
    author_name: str
    body: str
    replied_at: dt.datetime


class UnroutableReply(ValueError):
    """A reply that belongs to no thread of its sender; it is dead-lettered with this reason."""


def thread_out(inquiry: Inquiry, messages: Sequence[InquiryMessage]) -> InquiryOut:
    return InquiryOut(
        inquiry_id=inquiry.id,
        asker_org_id=inquiry.asker_org_id,
        asker_org_name=inquiry.asker_org_name,
        asker_staff_name=inquiry.asker_staff_name,
        owner_org_id=inquiry.owner_org_id,
        owner_org_name=inquiry.owner_org_name,
        goal_ref=inquiry.goal_ref,
        created_at=inquiry.created_at,
        updated_at=inquiry.updated_at,
        messages=[InquiryMessageOut.model_validate(message) for message in messages],
    )


class InquiryService:
    def __init__(self) -> None:
        self.inquiries = InquiryRepository()
        self.shared_goals = SharedGoalRepository()

    async def ask(
        self, session: AsyncSession, caller: Principal, caller_org_name: str, request: InquiryCreate
    ) -> InquiryOut:
        """Open a thread about a shared goal of another organization; its question leaves once committed."""
        if caller.role not in ASKING_ROLES:
            raise Forbidden("only advisors (経営指導員) and organization administrators may ask")
        if request.org_id == caller.org:
            raise InvalidInput("a goal of your own organization: ask its 担当者 directly", field="org_id")
        goal = await self.shared_goals.get(session, request.org_id, request.goal_ref)
        if goal is None or goal.withdrawn:
            raise NotFound("no shared goal with this org_id and goal_ref")
        now = utc_now()
        inquiry = Inquiry(
            id=uuid.uuid4().hex,
            asker_org_id=caller.org,
            asker_org_name=caller_org_name[:200],
            asker_staff_name=caller.name[:100],
            owner_org_id=goal.org_id,
            owner_org_name=goal.org_name,
            goal_ref=goal.goal_ref,
            created_at=now,
            updated_at=now,
        )
        question = InquiryMessage(
            id=f"{inquiry.id}-question",
            inquiry_id=inquiry.id,
            kind="question",
            author_org_id=caller.org,
            author_name=caller.name[:100],
            body=request.body,
            written_at=now,
            published_at=None,
        )
        await self.inquiries.add(session, inquiry, question)
        return thread_out(inquiry, [question])

    async def list_for(
        self, session: AsyncSession, caller: Principal, params: InquiryListParams
    ) -> tuple[list[InquiryOut], int]:
        found, total = await self.inquiries.of_org(session, caller.org, params.limit, params.offset)
        messages = await self.inquiries.messages(session, [inquiry.id for inquiry in found])
        return [thread_out(inquiry, messages[inquiry.id]) for inquiry in found], total

    async def get_for(self, session: AsyncSession, caller: Principal, inquiry_id: str) -> InquiryOut:
        """Only the asking and the owning organization see a thread; to anyone else it does not exist."""
        inquiry = await self.inquiries.get(session, inquiry_id)
        if inquiry is None or caller.org not in (inquiry.asker_org_id, inquiry.owner_org_id):
            raise NotFound("no such inquiry")
        messages = await self.inquiries.messages(session, [inquiry.id])
        return thread_out(inquiry, messages[inquiry.id])

    async def add_reply(self, session: AsyncSession, reply: IncomingReply) -> bool:
        """Append a reply of the owning organization; False when it is stored already (a redelivery)."""
        inquiry = await self.inquiries.get(session, reply.inquiry_id)
        if inquiry is None:
            raise UnroutableReply(f"no inquiry {reply.inquiry_id!r}")
        if inquiry.owner_org_id != reply.org_id:
            raise UnroutableReply(f"inquiry {reply.inquiry_id!r} is not addressed to {reply.org_id!r}")
        message_id = f"{reply.org_id}:{reply.reply_id}"
        if await self.inquiries.message(session, message_id) is not None:
            return False
        await self.inquiries.add_message(
            session,
            InquiryMessage(
                id=message_id,
                inquiry_id=inquiry.id,
                kind="reply",
                author_org_id=reply.org_id,
                author_name=reply.author_name,
                body=reply.body,
                written_at=reply.replied_at,
                published_at=None,
            ),
        )
        inquiry.updated_at = max(inquiry.updated_at, reply.replied_at)
        await session.flush()
        return True

    async def unpublished_questions(
        self, session: AsyncSession, limit: int
    ) -> Sequence[tuple[InquiryMessage, Inquiry]]:
        return await self.inquiries.unpublished_questions(session, limit)

    async def mark_published(self, session: AsyncSession, message_ids: Sequence[str]) -> None:
        await self.inquiries.mark_published(session, message_ids)


inquiry_service = InquiryService()
