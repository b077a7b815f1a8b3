"""問い合わせ受信箱: questions other organizations' advisors asked through the exchange about this organization's
shared goals, delivered to each goal's 担当者, and their replies, which leave through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import NotFound
from banso_core.tokens import Principal
from banso_core.vocabulary import StaffRole
from org_records.inbox.events import IncomingQuestion, reply_message
from org_records.inbox.models import InboxInquiry, InboxReply
from org_records.inbox.repository import InboxRepository
from org_records.inbox.schemas import InboxInquiryOut, InboxListParams, InboxReplyOut, ReplyCreate
from org_records.org import OrgIdentity
from org_records.outbox.repository import OutboxRepository


def _out(inquiry: InboxInquiry, replies: Sequence[InboxReply]) -> InboxInquiryOut:
    out = InboxInquiryOut.model_validate(inquiry)
    return out.model_copy(update={"replies": [InboxReplyOut.model_validate(reply) for reply in replies]})


class InboxService:
    def __init__(self) -> None:
        self.inbox = InboxRepository()
        self.outbox = OutboxRepository()

    async def receive(self, session: AsyncSession, questions: Sequence[IncomingQuestion], org: OrgIdentity) -> None:
        """Store each question once, addressed to its goal's 担当者 (a goal not found or no longer shared: to the
        administrators). A goal_ref is a keyed hash: the organization recomputes it for its goals to find it."""
        new = [question for question in questions if await self.inbox.get(session, question.inquiry_id) is None]
        if not new:
            return
        goals = {
            org.opaque_ref("goal", goal_id, created_at): (goal_id, staff_id)
            for goal_id, created_at, staff_id, shared in await self.inbox.goal_keys(session)
            if shared
        }
        for question in new:
            if await self.inbox.get(session, question.inquiry_id) is not None:
                continue  # twice in one batch
            goal_id, staff_id = goals.get(question.goal_ref, (None, None))
            await self.inbox.add(
                session,
                InboxInquiry(
                    inquiry_id=question.inquiry_id,
                    goal_ref=question.goal_ref,
                    goal_id=goal_id,
                    staff_id=staff_id,
                    asker_org_id=question.asker_org_id,
                    asker_org_name=question.asker_org_name,
                    asker_staff_name=question.asker_staff_name,
                    body=question.body,
                    asked_at=question.asked_at,
                    received_at=utc_now(),
                ),
            )

    async def page(
        self, session: AsyncSession, principal: Principal, params: InboxListParams
    ) -> tuple[list[InboxInquiryOut], int]:
        """The caller's questions; an administrator sees every one."""
        staff_id = None if principal.role == StaffRole.org_admin else principal.staff
        found, total = await self.inbox.page(session, staff_id, params.limit, params.offset)
        replies = await self.inbox.replies(session, [inquiry.inquiry_id for inquiry in found])
        return [_out(inquiry, replies[inquiry.inquiry_id]) for inquiry in found], total

    async def get(self, session: AsyncSession, principal: Principal, inquiry_id: str) -> InboxInquiryOut:
        inquiry = await self._visible(session, principal, inquiry_id)
        replies = await self.inbox.replies(session, [inquiry.inquiry_id])
        return _out(inquiry, replies[inquiry.inquiry_id])

    async def reply(
        self, session: AsyncSession, principal: Principal, inquiry_id: str, reply: ReplyCreate, org: OrgIdentity
    ) -> InboxInquiryOut:
        """Store the reply and queue it, in the same transaction, for the asking organization via the exchange."""
        inquiry = await self._visible(session, principal, inquiry_id)
        row = InboxReply(
            id=uuid.uuid4().hex,
            inquiry_id=inquiry.inquiry_id,
            staff_id=principal.staff,
            author_name=principal.name[:100],
            body=reply.body,
            replied_at=utc_now(),
        )
        await self.inbox.add(session, row)
        await self.outbox.add(session, *reply_message(org.org_id, row))
        return await self.get(session, principal, inquiry_id)

    async def _visible(self, session: AsyncSession, principal: Principal, inquiry_id: str) -> InboxInquiry:
        inquiry = await self.inbox.get(session, inquiry_id)
        if inquiry is None or (principal.role != StaffRole.org_admin and inquiry.staff_id != principal.staff):
            raise NotFound("no such inquiry in your inbox")
        return inquiry


inbox_service = InboxService()
