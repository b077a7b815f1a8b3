"""既読 and 督促: read receipts per member of staff, counts per organization, reminders for the unread."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import DomainError, Forbidden
from banso_core.federation import MemberOrganizations
from notices.audit.models import NoticeAuditAction
from notices.audit.service import audit_service
from notices.caller import Caller
from notices.notice.events import fan_out
from notices.notice.models import Notice
from notices.notice.service import notice_service, recipients
from notices.receipt.models import NoticeRead
from notices.receipt.repository import ReceiptRepository
from notices.receipt.schemas import OrganizationReceipts, Reader, ReadOut, ReceiptsOut, ReminderOut


class NotPublished(DomainError):
    """The notice is scheduled or has expired: nobody is expected to read it now."""

    http_status = 409


class ReceiptService:
    def __init__(self) -> None:
        self.reads = ReceiptRepository()

    async def mark_read(self, session: AsyncSession, caller: Caller, notice_id: int) -> ReadOut:
        """Idempotent: reading again keeps the first read's time."""
        notice = (await notice_service.seen(session, caller, notice_id)).notice
        read = await self.reads.add_if_absent(
            session,
            NoticeRead(
                notice_id=notice.id,
                org_id=caller.org_id,
                staff_id=caller.staff_id,
                staff_name=caller.name,
                role=caller.role[:20],
                read_at=utc_now(),
            ),
        )
        return ReadOut(notice_id=notice.id, read_at=read.read_at)

    async def receipts(
        self, session: AsyncSession, caller: Caller, members: MemberOrganizations, notice_id: int
    ) -> ReceiptsOut:
        notice = await self._notice_of_author_or_prefecture(session, caller, notice_id)
        readers: dict[str, list[Reader]] = defaultdict(list)
        for read in await self.reads.of_notice(session, notice.id):
            readers[read.org_id].append(
                Reader(staff_id=read.staff_id, name=read.staff_name, role=read.role, read_at=read.read_at)
            )
        targeted = recipients(notice.audience, members)
        organizations = []
        for org_id in sorted(targeted | set(readers)):
            member = members.get(org_id)
            organizations.append(
                OrganizationReceipts(
                    org_id=org_id,
                    org_name=member.name if member else org_id,
                    org_kind=member.kind if member else "",
                    targeted=org_id in targeted,
                    read_count=len(readers[org_id]),
                    unread=org_id in targeted and not readers[org_id],
                    readers=readers[org_id],
                )
            )
        organizations.sort(key=lambda receipts: (not receipts.unread, not receipts.targeted, receipts.org_id))
        return ReceiptsOut(
            notice_id=notice.id,
            organizations=organizations,
            organizations_read=sum(1 for org in organizations if org.targeted and org.read_count),
            organizations_unread=sum(1 for org in organizations if org.unread),
            read_count=sum(org.read_count for org in organizations),
        )

    async def remind(
        self, session: AsyncSession, caller: Caller, members: MemberOrganizations, notice_id: int
    ) -> ReminderOut:
        """Ask every organization of the audience to remind its staff who have not read the notice: the message
        carries who there has read it, since only the organization knows its whole staff."""
        notice = await self._notice_of_author_or_prefecture(session, caller, notice_id)
        now = utc_now()
        if notice.publish_at > now or (notice.expires_at is not None and notice.expires_at <= now):
            raise NotPublished("掲載期間外のお知らせは督促できません (the notice is not published now)")
        read_by_org: dict[str, set[int]] = {org_id: set() for org_id in recipients(notice.audience, members)}
        for read in await self.reads.of_notice(session, notice.id):
            if read.org_id in read_by_org:
                read_by_org[read.org_id].add(read.staff_id)
        await fan_out.reminder(session, notice, read_by_org, now, caller.signature)
        await audit_service.record(
            session, caller, NoticeAuditAction.remind, notice.id, detail=", ".join(sorted(read_by_org))
        )
        return ReminderOut(notice_id=notice.id, org_ids=sorted(read_by_org), reminded_at=now)

    async def _notice_of_author_or_prefecture(self, session: AsyncSession, caller: Caller, notice_id: int) -> Notice:
        notice = (await notice_service.seen(session, caller, notice_id)).notice
        if not caller.is_prefecture and not caller.is_author(notice.author_org_id, notice.author_staff_id):
            raise Forbidden("既読状況を見られるのは投稿者と県職員のみです (only the author or prefecture staff)")
        return notice


receipt_service = ReceiptService()
