from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from banso_core.federation import member_staff
from notices.caller import CurrentCaller, Members
from notices.comment.service import comment_service
from notices.db import DbSession
from notices.notice.schemas import NoticeDetail, NoticeFields, NoticeOut, NoticePage, NoticePatch, NoticeSearch
from notices.notice.service import notice_service

router = APIRouter(prefix="/api/v1/notices", tags=["notices お知らせ"], dependencies=[Depends(member_staff)])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=NoticeOut)
async def create_notice(fields: NoticeFields, session: DbSession, caller: CurrentCaller, members: Members) -> NoticeOut:
    """投稿: an official notice (県からのお知らせ; prefecture staff only) or a post by any member of staff."""
    return await notice_service.create(session, caller, members, fields)


@router.get("", response_model=NoticePage)
async def list_notices(
    params: Annotated[NoticeSearch, Query()], session: DbSession, caller: CurrentCaller
) -> NoticePage:
    """What targets the caller while it is published (and their own), pinned first, newest first, each with
    whether the caller has read it; `q` finds words in the title or body."""
    return await notice_service.search(session, caller, params)


@router.get("/{notice_id}", response_model=NoticeDetail)
async def get_notice(notice_id: int, session: DbSession, caller: CurrentCaller) -> NoticeDetail:
    """A notice with its comments (404 for one that does not target the caller)."""
    notice = await notice_service.get(session, caller, notice_id)
    comments = await comment_service.of_notice(session, caller, notice_id)
    return NoticeDetail(**notice.model_dump(), comments=comments)


@router.patch("/{notice_id}", response_model=NoticeOut)
async def update_notice(
    notice_id: int, patch: NoticePatch, session: DbSession, caller: CurrentCaller, members: Members
) -> NoticeOut:
    """編集: by the author only."""
    return await notice_service.update(session, caller, members, notice_id, patch)


@router.delete("/{notice_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_notice(notice_id: int, session: DbSession, caller: CurrentCaller, members: Members) -> Response:
    """削除: by the author, or by prefecture staff (moderation)."""
    await notice_service.delete(session, caller, members, notice_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
