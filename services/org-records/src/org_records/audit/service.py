"""監査ログ: every read and change of the organization's records; a change is audited in its own transaction."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import Database, utc_now
from banso_core.errors import InvalidInput
from banso_core.vocabulary import AuditAction
from org_records.audit.models import AuditEntry
from org_records.audit.repository import AuditRepository
from org_records.audit.schemas import AuditEntryOut, AuditPage
from org_records.staff.models import Staff

log = logging.getLogger(__name__)

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


def request_entry(staff: Staff, method: str, path: str, query: str) -> AuditEntry:
    match = _BUSINESS_PATH.search(path)
    target = f"{method} {path}" + (f"?{query}" if query else "")
    return AuditEntry(
        at=utc_now(),
        staff_id=staff.id,
        staff_name=staff.display_name,
        role=staff.role,
        action=_ACTION_OF_METHOD.get(method, AuditAction.other),
        channel="rest",
        target=target[:300],
        business_id=int(match.group(1)) if match else None,
    )


def rpc_entry(staff: Staff, rpc: str, business_id: int | None) -> AuditEntry:
    name = rpc.rsplit("/", 1)[-1]
    action = next((action for prefix, action in _ACTION_OF_RPC_PREFIX if name.startswith(prefix)), None)
    return AuditEntry(
        at=utc_now(),
        staff_id=staff.id,
        staff_name=staff.display_name,
        role=staff.role,
        action=action or AuditAction.other,
        channel="grpc",
        target=rpc[:300],
        business_id=business_id,
    )


def sign_in_entry(staff: Staff) -> AuditEntry:
    return AuditEntry(
        at=utc_now(),
        staff_id=staff.id,
        staff_name=staff.display_name,
        role=staff.role,
        action=AuditAction.sign_in,
        channel="rest",
        target="POST /api/v1/auth/token",
    )


class AuditTrail:
    """Writes audit entries of reads in batches, in transactions of their own.

    A change is audited in its own transaction (see `Access`); a read is not, because on SQLite a read that
    writes its entry would wait for every long write (an import) and would serialise all reads. The entries
    of reads are kept in order and flushed every `flush_seconds`; the audit endpoint flushes before it answers.
    """

    def __init__(self, database: Database, flush_seconds: float = 0.5) -> None:
        self.database = database
        self.flush_seconds = flush_seconds
        self.pending: list[AuditEntry] = []
        self.lock = asyncio.Lock()
        self.stopping = asyncio.Event()

    def enqueue(self, entry: AuditEntry) -> None:
        self.pending.append(entry)

    async def flush(self) -> None:
        async with self.lock:
            batch, self.pending = self.pending, []
            if not batch:
                return
            try:
                async with self.database.session() as session:
                    session.add_all(batch)
                    await session.commit()
            except Exception:
                self.pending[:0] = [AuditEntry(**_columns(entry)) for entry in batch]
                raise

    async def run(self) -> None:
        while not self.stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.flush_seconds)
            try:
                await self.flush()
            except Exception:
                log.warning("audit entries not written yet (%d pending); retrying", len(self.pending), exc_info=True)
        await self.flush()

    def stop(self) -> None:
        self.stopping.set()


def _columns(entry: AuditEntry) -> dict[str, object]:
    return {column.key: getattr(entry, column.key) for column in AuditEntry.__table__.columns if column.key != "id"}


class AuditService:
    def __init__(self) -> None:
        self.entries = AuditRepository()

    async def record(self, session: AsyncSession, entry: AuditEntry) -> None:
        await self.entries.add(session, entry)

    async def search(
        self,
        session: AsyncSession,
        *,
        staff_id: int | None = None,
        business_id: int | None = None,
        action: AuditAction | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        before: str | None = None,
        limit: int = 100,
    ) -> AuditPage:
        rows = await self.entries.search(
            session,
            staff_id=staff_id,
            business_id=business_id,
            action=action,
            since=since,
            until=until,
            before=_decode_before(before) if before else None,
            limit=limit + 1,
        )
        items = [AuditEntryOut.model_validate(row) for row in rows[:limit]]
        last = items[-1] if items and len(rows) > limit else None
        return AuditPage(items=items, next_before=f"{last.at.isoformat()}~{last.id}" if last else None)


def _decode_before(before: str) -> tuple[dt.datetime, int]:
    try:
        at, _, entry_id = before.rpartition("~")
        moment = dt.datetime.fromisoformat(at)
        return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)), int(entry_id)
    except ValueError:
        raise InvalidInput("before must be the next_before of a previous page", field="before") from None


audit_service = AuditService()
