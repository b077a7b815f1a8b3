from __future__ import annotations

from fastapi import APIRouter, status

from org_records.auth.endpoints import CurrentPrincipal
from org_records.db import DbSession
from org_records.staff.schemas import StaffFields, StaffOut, StaffPatch
from org_records.staff.service import staff_service

router = APIRouter(prefix="/api/v1/staff", tags=["staff 担当者"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StaffOut)
async def create_staff(fields: StaffFields, session: DbSession) -> StaffOut:
    return StaffOut.model_validate(await staff_service.create(session, fields))


@router.get("", response_model=list[StaffOut])
async def list_staff(session: DbSession) -> list[StaffOut]:
    return [StaffOut.model_validate(staff) for staff in await staff_service.list(session)]


@router.get("/{staff_id}", response_model=StaffOut)
async def get_staff(staff_id: int, session: DbSession) -> StaffOut:
    return StaffOut.model_validate(await staff_service.get(session, staff_id))


@router.patch("/{staff_id}", response_model=StaffOut)
async def update_staff(staff_id: int, patch: StaffPatch, session: DbSession, principal: CurrentPrincipal) -> StaffOut:
    return StaffOut.model_validate(await staff_service.update(session, staff_id, patch, principal.staff))
