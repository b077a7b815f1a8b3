from __future__ import annotations

from fastapi import APIRouter, status

from org_records.business.schemas import BusinessFields, BusinessOut
from org_records.business.service import business_service
from org_records.db import DbSession
from org_records.org import CurrentOrg

router = APIRouter(prefix="/api/v1/businesses", tags=["businesses 事業者"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=BusinessOut)
async def create_business(fields: BusinessFields, session: DbSession, org: CurrentOrg) -> BusinessOut:
    business = await business_service.create(session, fields, org)
    return BusinessOut.model_validate(business)


@router.get("/{business_id}", response_model=BusinessOut)
async def get_business(business_id: int, session: DbSession) -> BusinessOut:
    return BusinessOut.model_validate(await business_service.get(session, business_id))
