from __future__ import annotations

from fastapi import APIRouter

from org_records.concurrency import IfMatch, expected_version
from org_records.db import DbSession
from org_records.org import CurrentOrg
from org_records.organization.schemas import OrganizationOut, OrganizationPut
from org_records.organization.service import organization_service

router = APIRouter(prefix="/api/v1/organization", tags=["organization 団体"])


@router.get("", response_model=OrganizationOut)
async def get_organization(session: DbSession, org: CurrentOrg) -> OrganizationOut:
    return OrganizationOut.model_validate(await organization_service.get(session, org))


@router.put("", response_model=OrganizationOut)
async def replace_organization(
    profile: OrganizationPut, session: DbSession, org: CurrentOrg, if_match: IfMatch
) -> OrganizationOut:
    profile.version = expected_version(profile.version, if_match)
    return OrganizationOut.model_validate(await organization_service.replace(session, profile, org))
