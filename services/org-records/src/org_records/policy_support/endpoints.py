from __future__ import annotations

from fastapi import APIRouter, Response, status

from banso_core.vocabulary import policy_programs
from org_records.db import DbSession
from org_records.policy_support.schemas import (
    PolicyProgramList,
    PolicyProgramOut,
    PolicySupportFields,
    PolicySupportList,
    PolicySupportOut,
    PolicySupportPatch,
)
from org_records.policy_support.service import policy_support_service
from org_records.schemas import IfMatch, expected_version

router = APIRouter(prefix="/api/v1", tags=["policy supports 施策支援"])


@router.get("/policy-supports/programs", response_model=PolicyProgramList)
async def list_policy_programs() -> PolicyProgramList:
    """The default programs (施策); `program` also accepts an organization's own text."""
    return PolicyProgramList(
        items=[
            PolicyProgramOut(code=known.code, label=known.label, kind=known.kind, kind_label=known.kind.label)
            for known in policy_programs()
        ]
    )


@router.post(
    "/businesses/{business_id}/policy-supports", status_code=status.HTTP_201_CREATED, response_model=PolicySupportOut
)
async def create_policy_support(business_id: int, fields: PolicySupportFields, session: DbSession) -> PolicySupportOut:
    return PolicySupportOut.model_validate(await policy_support_service.create(session, business_id, fields))


@router.get("/businesses/{business_id}/policy-supports", response_model=PolicySupportList)
async def list_policy_supports(business_id: int, session: DbSession) -> PolicySupportList:
    records = await policy_support_service.list_for_business(session, business_id)
    return PolicySupportList(items=[PolicySupportOut.model_validate(record) for record in records])


@router.get("/policy-supports/{policy_support_id}", response_model=PolicySupportOut)
async def get_policy_support(policy_support_id: int, session: DbSession) -> PolicySupportOut:
    return PolicySupportOut.model_validate(await policy_support_service.get(session, policy_support_id))


@router.patch("/policy-supports/{policy_support_id}", response_model=PolicySupportOut)
async def update_policy_support(
    policy_support_id: int, patch: PolicySupportPatch, session: DbSession, if_match: IfMatch = None
) -> PolicySupportOut:
    record = await policy_support_service.update(
        session, policy_support_id, patch, expected_version(if_match, patch.version)
    )
    return PolicySupportOut.model_validate(record)


@router.delete("/policy-supports/{policy_support_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_policy_support(policy_support_id: int, session: DbSession) -> Response:
    await policy_support_service.delete(session, policy_support_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
