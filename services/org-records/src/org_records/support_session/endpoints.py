from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from org_records.concurrency import IfMatch, expected_version
from org_records.db import DbSession
from org_records.pagination import PageOut, PageQuery
from org_records.support_session.schemas import (
    SupportSessionFields,
    SupportSessionList,
    SupportSessionOut,
    SupportSessionPatch,
    support_session_out,
)
from org_records.support_session.service import support_session_service

router = APIRouter(prefix="/api/v1", tags=["sessions 支援記録"])


@router.post(
    "/businesses/{business_id}/sessions", status_code=status.HTTP_201_CREATED, response_model=SupportSessionOut
)
async def record_support_session(
    business_id: int, fields: SupportSessionFields, session: DbSession
) -> SupportSessionOut:
    return support_session_out(await support_session_service.record(session, business_id, fields))


@router.get("/businesses/{business_id}/sessions", response_model=SupportSessionList)
async def list_support_sessions(
    business_id: int,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SupportSessionList:
    records, total = await support_session_service.list_for_business(session, business_id, limit, offset)
    return SupportSessionList(items=[support_session_out(record) for record in records], total=total)


@router.get("/sessions/latest", response_model=SupportSessionList)
async def latest_support_sessions(
    session: DbSession,
    business_id: Annotated[list[int], Query(max_length=500, description="事業者 (repeat the parameter)")] = [],  # noqa: B006
) -> SupportSessionList:
    """最終接触: the newest session of each business named, by 実施日 (none for a business without sessions)."""
    records = await support_session_service.latest_of_businesses(session, business_id)
    return SupportSessionList(items=[support_session_out(record) for record in records], total=len(records))


@router.get("/sessions", response_model=PageOut[SupportSessionOut])
async def list_all_support_sessions(
    session: DbSession,
    page: PageQuery,
    business_id: Annotated[int | None, Query(description="事業者")] = None,
    staff_id: Annotated[int | None, Query(description="担当者")] = None,
) -> PageOut[SupportSessionOut]:
    """Every session in order of change, for incremental sync (the timeline of one business is above)."""
    found = await support_session_service.page(session, page, business_id=business_id, staff_id=staff_id)
    return PageOut(items=[support_session_out(record) for record in found.items], next_cursor=found.next_cursor)


@router.get("/sessions/{session_id}", response_model=SupportSessionOut)
async def get_support_session(session_id: int, session: DbSession) -> SupportSessionOut:
    return support_session_out(await support_session_service.get(session, session_id))


@router.patch("/sessions/{session_id}", response_model=SupportSessionOut)
async def update_support_session(
    session_id: int, patch: SupportSessionPatch, session: DbSession, if_match: IfMatch
) -> SupportSessionOut:
    patch.version = expected_version(patch.version, if_match)
    return support_session_out(await support_session_service.update(session, session_id, patch))


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_support_session(session_id: int, session: DbSession) -> Response:
    await support_session_service.delete(session, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
