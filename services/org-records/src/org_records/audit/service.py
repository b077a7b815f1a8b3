"""監査ログ: every read and change of the organization's records, written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.vocabulary import AuditAction
from org_records.audit.models import AuditEntry
from org_records.audit.repository import AuditRepository
from org_records.audit.schemas import AuditEntryOut, AuditPage
from org_records.staff.models import Staff

_BUSINESS_PATH = re.compile(r"/businesses/(\d+)(?:/|$)")
_ACTION_OF_METHOD = {
    "GET": AuditAction.read,
    "HEAD": AuditAction.read,
    "POST": AuditAction.create,
    "PUT": AuditAction.update,
    "PATCH": AuditAction.update,
    "DELETE": AuditAction.delete,
}
_ACTION_OF_RPC_PREFIX = (
    ("Get", AuditAction.read),
    ("List", AuditAction.read),
    ("Create", AuditAction.create),
    ("Update", AuditAction.update),
    ("Put", AuditAction.update),
    ("Set", AuditAction.update),
    ("Delete", AuditAction.delete),
)


class AuditService:
    def __init__(self) -> None:
        self.entries = AuditRepository()

    async def record_request(self, session: AsyncSession, staff: Staff, method: str, path: str, query: str) -> None:
        match = _BUSINESS_PATH.search(path)
        target = f"{method} {path}" + (f"?{query}" if query else "")
        await self.entries.add(
            session,
            AuditEntry(
                staff_id=staff.id,
                staff_name=staff.display_name,
                role=staff.role,
                action=_ACTION_OF_METHOD.get(method, AuditAction.other),
                channel="rest",
                target=target[:300],
                business_id=int(match.group(1)) if match else None,
            ),
        )

    async def record_sign_in(self, session: AsyncSession, staff: Staff) -> None:
        await self.entries.add(
            session,
            AuditEntry(
                staff_id=staff.id,
                staff_name=staff.display_name,
                role=staff.role,
                action=AuditAction.sign_in,
                channel="rest",
                target="POST /api/v1/auth/token",
            ),
        )

    async def record_rpc(self, session: AsyncSession, staff: Staff, rpc: str, business_id: int | None) -> None:
        name = rpc.rsplit("/", 1)[-1]
        action = next((action for prefix, action in _ACTION_OF_RPC_PREFIX if name.startswith(prefix)), None)
        await self.entries.add(
            session,
            AuditEntry(
                staff_id=staff.id,
                staff_name=staff.display_name,
                role=staff.role,
                action=action or AuditAction.other,
                channel="grpc",
                target=rpc[:300],
                business_id=business_id,
            ),
        )

    async def search(
        self,
        session: AsyncSession,
        *,
        staff_id: int | None = None,
        business_id: int | None = None,
        action: AuditAction | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> AuditPage:
        rows = await self.entries.search(
            session,
            staff_id=staff_id,
            business_id=business_id,
            action=action,
            since=since,
            until=until,
            before_id=before,
            limit=limit + 1,
        )
        items = [AuditEntryOut.model_validate(row) for row in rows[:limit]]
        return AuditPage(items=items, next_before=items[-1].id if len(rows) > limit else None)


audit_service = AuditService()
