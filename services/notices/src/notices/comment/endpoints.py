from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status

from banso_core.federation import member_staff
from notices.caller import CurrentCaller, Members
from notices.comment.schemas import CommentFields, CommentOut, CommentPatch
from notices.comment.service import comment_service
from notices.db import DbSession

router = APIRouter(
    prefix="/api/v1/notices/{notice_id}/comments", tags=["comments コメント"], dependencies=[Depends(member_staff)]
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommentOut)
async def create_comment(
    notice_id: int, fields: CommentFields, session: DbSession, caller: CurrentCaller, members: Members
) -> CommentOut:
    """コメント on a notice or post the caller sees."""
    return await comment_service.create(session, caller, members, notice_id, fields)


@router.get("", response_model=list[CommentOut])
async def list_comments(notice_id: int, session: DbSession, caller: CurrentCaller) -> list[CommentOut]:
    """Oldest first."""
    return await comment_service.of_notice(session, caller, notice_id)


@router.patch("/{comment_id}", response_model=CommentOut)
async def update_comment(
    notice_id: int, comment_id: int, patch: CommentPatch, session: DbSession, caller: CurrentCaller, members: Members
) -> CommentOut:
    """編集: by the author only."""
    return await comment_service.update(session, caller, members, notice_id, comment_id, patch)


@router.delete("/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_comment(
    notice_id: int, comment_id: int, session: DbSession, caller: CurrentCaller, members: Members
) -> Response:
    """削除: by the author, or by prefecture staff (moderation)."""
    await comment_service.delete(session, caller, members, notice_id, comment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
