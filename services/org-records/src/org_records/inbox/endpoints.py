from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from org_records.auth.endpoints import CurrentPrincipal
from org_records.db import DbSession
from org_records.inbox.schemas import InboxInquiryOut, InboxList, InboxListParams, ReplyCreate
from org_records.inbox.service import inbox_service
from org_records.org import CurrentOrg

router = APIRouter(prefix="/api/v1/inbox", tags=["inbox 問い合わせ受信箱"])

InquiryId = Annotated[str, Path(min_length=1, max_length=32)]


@router.get("", response_model=InboxList)
async def inbox(
    params: Annotated[InboxListParams, Query()], session: DbSession, principal: CurrentPrincipal
) -> InboxList:
    """問い合わせ of other organizations' advisors about the goals the caller looks after, newest first; an
    organization administrator sees every one (including those about goals no longer shared)."""
    items, total = await inbox_service.page(session, principal, params)
    return InboxList(items=items, total=total)


@router.get("/{inquiry_id}", response_model=InboxInquiryOut)
async def inbox_inquiry(inquiry_id: InquiryId, session: DbSession, principal: CurrentPrincipal) -> InboxInquiryOut:
    return await inbox_service.get(session, principal, inquiry_id)


@router.post("/{inquiry_id}/replies", response_model=InboxInquiryOut, status_code=201)
async def reply(
    inquiry_id: InquiryId, body: ReplyCreate, session: DbSession, principal: CurrentPrincipal, org: CurrentOrg
) -> InboxInquiryOut:
    """返信: sent back to the asking advisor through the exchange. Only what is written here leaves; the 担当者
    decides what to tell about the business."""
    return await inbox_service.reply(session, principal, inquiry_id, body, org)
