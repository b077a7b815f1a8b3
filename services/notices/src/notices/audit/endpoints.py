from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from banso_core.errors import Forbidden
from banso_core.federation import member_staff
from notices.audit.schemas import AuditPage
from notices.audit.service import audit_service
from notices.caller import CurrentCaller
from notices.db import DbSession

router = APIRouter(prefix="/api/v1/audit", tags=["audit 監査ログ"], dependencies=[Depends(member_staff)])


@router.get("", response_model=AuditPage)
async def search_audit(
    session: DbSession,
    caller: CurrentCaller,
    notice_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPage:
    """監査ログ of notices and comments, newest first (prefecture staff only)."""
    if not caller.is_prefecture:
        raise Forbidden("監査ログは県職員のみ閲覧できます (prefecture staff only)")
    return await audit_service.search(session, notice_id=notice_id, limit=limit, offset=offset)
