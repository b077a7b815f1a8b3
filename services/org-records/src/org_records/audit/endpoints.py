from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request

from banso_core.vocabulary import AuditAction
from org_records.audit.schemas import AuditPage
from org_records.audit.service import audit_service
from org_records.db import DbSession

router = APIRouter(prefix="/api/v1/audit", tags=["audit 監査ログ"])


@router.get("", response_model=AuditPage)
async def search_audit(
    request: Request,
    session: DbSession,
    staff_id: int | None = None,
    business_id: int | None = None,
    action: AuditAction | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before: Annotated[
        int | None, Query(description="Entries older than this id (the previous page's next_before)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """監査ログ, newest first (org admins only)."""
    return await audit_service.search(
        session,
        staff_id=staff_id,
        business_id=business_id,
        action=action,
        since=since,
        until=until,
        before=before,
        limit=limit,
        trail=request.app.state.audit_trail,
    )
