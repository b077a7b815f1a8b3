from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from org_records.auth.endpoints import CurrentPrincipal
from org_records.db import DbSession
from org_records.notice_feed.schemas import NoticeDigest, NoticeFeed
from org_records.notice_feed.service import JAPAN, notice_feed_service
from org_records.org import CurrentOrg
from org_records.staff.service import staff_service

router = APIRouter(prefix="/api/v1/notice-feed", tags=["notice feed お知らせ"])


@router.get("", response_model=NoticeFeed)
async def notice_feed(
    session: DbSession,
    principal: CurrentPrincipal,
    org: CurrentOrg,
    since: Annotated[
        dt.datetime | None, Query(description="what counts as new (the caller's last visit); default: a day ago")
    ] = None,
) -> NoticeFeed:
    """お知らせ of the prefecture and posts of other organizations addressed to this organization and the caller's
    role, with a badge: how many are new or reminded to the caller. The notices themselves open at the hub.
    `alerts`: 類似目標のお知らせ for goals the caller looks after (他団体で類似の目標が登録されました)."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    staff = await staff_service.get(session, principal.staff)
    handle = org.opaque_ref("staff", staff.id, staff.created_at)
    return await notice_feed_service.for_staff(session, principal, handle, since)


@router.get("/digest", response_model=NoticeDigest)
async def notice_digest(
    session: DbSession,
    principal: CurrentPrincipal,
    day: Annotated[dt.date | None, Query(description="the day (Japan time); default: today")] = None,
) -> NoticeDigest:
    """日次ダイジェスト: the notices published on one day for the caller, and how many comments were written."""
    return await notice_feed_service.digest(session, principal, day or dt.datetime.now(JAPAN).date())
