from __future__ import annotations

from fastapi import APIRouter, Response, status

from org_records.auth.endpoints import CurrentPrincipal
from org_records.db import DbSession
from org_records.financials.endpoints import FiscalYear, Quarter
from org_records.period_lock.schemas import PeriodLockList, PeriodLockOut
from org_records.period_lock.service import period_lock_service

router = APIRouter(prefix="/api/v1/period-locks", tags=["period locks 期間ロック (org admins)"])


@router.put("/{fiscal_year}/{quarter}", response_model=PeriodLockOut)
async def lock_period(
    fiscal_year: FiscalYear, quarter: Quarter, session: DbSession, principal: CurrentPrincipal
) -> PeriodLockOut:
    """Lock a fiscal quarter (org admins): its sessions and figures can no longer be changed."""
    lock = await period_lock_service.lock_quarter(session, fiscal_year, quarter, locked_by_staff_id=principal.staff)
    return PeriodLockOut.model_validate(lock)


@router.delete("/{fiscal_year}/{quarter}", status_code=status.HTTP_204_NO_CONTENT)
async def unlock_period(fiscal_year: FiscalYear, quarter: Quarter, session: DbSession) -> Response:
    """Unlock a fiscal quarter (org admins)."""
    await period_lock_service.unlock_quarter(session, fiscal_year, quarter)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=PeriodLockList)
async def list_period_locks(session: DbSession) -> PeriodLockList:
    return PeriodLockList(
        items=[PeriodLockOut.model_validate(lock) for lock in await period_lock_service.list_locks(session)]
    )
