from __future__ import annotations

from fastapi import APIRouter, Depends, status

from banso_core.federation import member_staff
from notices.caller import CurrentCaller, Members
from notices.db import DbSession
from notices.receipt.schemas import ReadOut, ReceiptsOut, ReminderOut
from notices.receipt.service import receipt_service

router = APIRouter(prefix="/api/v1/notices/{notice_id}", tags=["receipts 既読"], dependencies=[Depends(member_staff)])


@router.post("/read", response_model=ReadOut)
async def mark_read(notice_id: int, session: DbSession, caller: CurrentCaller) -> ReadOut:
    """既読にする; again changes nothing (the first read's time is kept)."""
    return await receipt_service.mark_read(session, caller, notice_id)


@router.get("/receipts", response_model=ReceiptsOut)
async def receipts(notice_id: int, session: DbSession, caller: CurrentCaller, members: Members) -> ReceiptsOut:
    """既読状況 per organization of the audience (the author and prefecture staff)."""
    return await receipt_service.receipts(session, caller, members, notice_id)


@router.post("/remind", status_code=status.HTTP_202_ACCEPTED, response_model=ReminderOut)
async def remind(notice_id: int, session: DbSession, caller: CurrentCaller, members: Members) -> ReminderOut:
    """督促: each organization of the audience reminds those of its staff who have not read it (the author and
    prefecture staff)."""
    return await receipt_service.remind(session, caller, members, notice_id)
