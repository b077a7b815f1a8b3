from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request

from banso_core.db import Database
from banso_core.vocabulary import AuditAction
from org_records.audit.schemas import AuditPage
from org_records.audit.service import AuditTrail, audit_service

router = APIRouter(prefix="/api/v1/audit", tags=["audit 監査ログ"])


@router.get("", response_model=AuditPage)
async def search_audit(
    request: Request,
    staff_id: int | None = None,
    business_id: int | None = None,
    action: AuditAction | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before: Annotated[str | None, Query(max_length=80, description="The previous page's next_before")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """監査ログ, newest first (org admins only)."""
    trail: AuditTrail = request.app.state.audit_trail
    await trail.flush()
    database: Database = request.app.state.database
    # A session begun after the flush: the request's own began before it and would not see the entries.
    async with database.session(read_only=True) as session:
        return await audit_service.search(
            session,
            staff_id=staff_id,
            business_id=business_id,
            action=action,
            since=since,
            until=until,
            before=before,
            limit=limit,
        )
