from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from banso_core.vocabulary import SupportStage
from org_records.business.schemas import BusinessFields, BusinessOut, BusinessPatch
from org_records.business.service import business_service
from org_records.concurrency import IfMatch, expected_version
from org_records.db import DbSession
from org_records.org import CurrentOrg
from org_records.pagination import PageOut, PageQuery

router = APIRouter(prefix="/api/v1/businesses", tags=["businesses 事業者"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BusinessOut)
async def create_business(fields: BusinessFields, session: DbSession, org: CurrentOrg) -> BusinessOut:
    business = await business_service.create(session, fields, org)
    return BusinessOut.model_validate(business)


@router.get("", response_model=PageOut[BusinessOut])
async def list_businesses(
    session: DbSession,
    page: PageQuery,
    support_stage: Annotated[SupportStage | None, Query(description="伴走支援の段階")] = None,
    staff_id: Annotated[int | None, Query(description="担当者")] = None,
) -> PageOut[BusinessOut]:
    found = await business_service.page(session, page, support_stage=support_stage, staff_id=staff_id)
    return PageOut(items=[BusinessOut.model_validate(row) for row in found.items], next_cursor=found.next_cursor)


@router.get("/{business_id}", response_model=BusinessOut)
async def get_business(business_id: int, session: DbSession) -> BusinessOut:
    return BusinessOut.model_validate(await business_service.get(session, business_id))


@router.patch("/{business_id}", response_model=BusinessOut)
async def update_business(
    business_id: int, patch: BusinessPatch, session: DbSession, org: CurrentOrg, if_match: IfMatch
) -> BusinessOut:
    patch.version = expected_version(patch.version, if_match)
    return BusinessOut.model_validate(await business_service.update(session, business_id, patch, org))


@router.delete("/{business_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_business(business_id: int, session: DbSession, org: CurrentOrg) -> Response:
    await business_service.delete(session, business_id, org)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
