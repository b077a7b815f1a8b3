from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.audit.models import AuditEntry


class AuditRepository:
    async def add(self, session: AsyncSession, entry: AuditEntry) -> None:
        session.add(entry)
        await session.flush()

    async def search(
        self,
        session: AsyncSession,
        *,
        staff_id: int | None,
        business_id: int | None,
        action: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        before: tuple[dt.datetime, int] | None,
        limit: int,
    ) -> Sequence[AuditEntry]:
        query = select(AuditEntry)
        if staff_id is not None:
            query = query.where(AuditEntry.staff_id == staff_id)
        if business_id is not None:
            query = query.where(AuditEntry.business_id == business_id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
        if before is not None:
            before_at, before_id = before
            query = query.where(
                or_(AuditEntry.at < before_at, and_(AuditEntry.at == before_at, AuditEntry.id < before_id))
            )
        newest_first = (AuditEntry.at.desc(), AuditEntry.id.desc())
        return (await session.scalars(query.order_by(*newest_first).limit(limit))).all()
