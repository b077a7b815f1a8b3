from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from banso_core.federation import MemberOrganizations, MemberStaff, member_staff
from exchange.db import DbSession
from exchange.inquiry.schemas import InquiryCreate, InquiryList, InquiryListParams, InquiryOut
from exchange.inquiry.service import inquiry_service

router = APIRouter(prefix="/api/v1/inquiries", tags=["inquiries 問い合わせ"], dependencies=[Depends(member_staff)])

InquiryId = Annotated[str, Path(min_length=1, max_length=32)]


@router.post("", response_model=InquiryOut, status_code=201)
async def ask(body: InquiryCreate, caller: MemberStaff, request: Request, session: DbSession) -> InquiryOut:
    """問い合わせ: ask the 担当者 of another organization's shared goal (団体名 and 担当者 as search shows them).
    The exchange relays the question to that organization, whose 担当者 decides what to tell."""
    members: MemberOrganizations = request.app.state.members
    member = members.get(caller.org)
    return await inquiry_service.ask(session, caller, member.name if member else caller.org, body)


@router.get("", response_model=InquiryList)
async def list_inquiries(
    params: Annotated[InquiryListParams, Query()], caller: MemberStaff, session: DbSession
) -> InquiryList:
    """The threads the caller's organization sent or received, the most recently active first."""
    items, total = await inquiry_service.list_for(session, caller, params)
    return InquiryList(items=items, total=total)


@router.get("/{inquiry_id}", response_model=InquiryOut)
async def get_inquiry(inquiry_id: InquiryId, caller: MemberStaff, session: DbSession) -> InquiryOut:
    """One thread, question and replies; only the two organizations see it."""
    return await inquiry_service.get_for(session, caller, inquiry_id)
