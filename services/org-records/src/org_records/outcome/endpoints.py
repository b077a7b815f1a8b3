from __future__ import annotations

from fastapi import APIRouter, Response, status

from org_records.db import DbSession
from org_records.outcome.schemas import OutcomeFields, OutcomeList, OutcomeOut, OutcomePatch
from org_records.outcome.service import outcome_service
from org_records.schemas import IfMatch, expected_version

router = APIRouter(prefix="/api/v1", tags=["outcomes 成果"])


@router.post("/businesses/{business_id}/outcomes", status_code=status.HTTP_201_CREATED, response_model=OutcomeOut)
async def create_outcome(business_id: int, fields: OutcomeFields, session: DbSession) -> OutcomeOut:
    return OutcomeOut.model_validate(await outcome_service.create(session, business_id, fields))


@router.get("/businesses/{business_id}/outcomes", response_model=OutcomeList)
async def list_outcomes(business_id: int, session: DbSession) -> OutcomeList:
    records = await outcome_service.list_for_business(session, business_id)
    return OutcomeList(items=[OutcomeOut.model_validate(record) for record in records])


@router.get("/outcomes/{outcome_id}", response_model=OutcomeOut)
async def get_outcome(outcome_id: int, session: DbSession) -> OutcomeOut:
    return OutcomeOut.model_validate(await outcome_service.get(session, outcome_id))


@router.patch("/outcomes/{outcome_id}", response_model=OutcomeOut)
async def update_outcome(
    outcome_id: int, patch: OutcomePatch, session: DbSession, if_match: IfMatch = None
) -> OutcomeOut:
    record = await outcome_service.update(session, outcome_id, patch, expected_version(if_match, patch.version))
    return OutcomeOut.model_validate(record)


@router.delete("/outcomes/{outcome_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_outcome(outcome_id: int, session: DbSession) -> Response:
    await outcome_service.delete(session, outcome_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
