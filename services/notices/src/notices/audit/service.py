"""監査ログ: every change to notices and comments, and every reminder, by whom and when."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from notices.audit.models import NoticeAuditAction, NoticeAuditEntry
from notices.audit.repository import AuditRepository
from notices.audit.schemas import AuditEntryOut, AuditPage
from notices.caller import Caller


class AuditService:
    def __init__(self) -> None:
        self.entries = AuditRepository()

    async def record(
        self,
        session: AsyncSession,
        caller: Caller,
        action: NoticeAuditAction,
        notice_id: int,
        *,
        comment_id: int | None = None,
        detail: str = "",
    ) -> None:
        """In the change's own transaction: the entry commits with the change, or neither does."""
        entry = NoticeAuditEntry(
            at=utc_now(),
            org_id=caller.org_id,
            staff_id=caller.staff_id,
            staff_name=caller.name,
            role=caller.role[:20],
            action=action,
            notice_id=notice_id,
            comment_id=comment_id,
            detail=detail[:300],
        )
        await self.entries.add(session, entry)

    async def search(self, session: AsyncSession, *, notice_id: int | None, limit: int, offset: int) -> AuditPage:
        rows, total = await self.entries.search(session, notice_id=notice_id, limit=limit, offset=offset)
        return AuditPage(items=[AuditEntryOut.model_validate(row) for row in rows], total=total)


audit_service = AuditService()
