from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, NotFound, VersionConflict
from org_records.business.service import business_service
from org_records.goal.models import Goal
from org_records.outcome_record.service import outcome_record_service
from org_records.pagination import Page, PageRequest
from org_records.period_lock.service import period_lock_service
from org_records.staff.repository import StaffRepository
from org_records.support_session.models import SupportSession
from org_records.support_session.repository import SupportSessionRepository
from org_records.support_session.schemas import SupportSessionFields, SupportSessionPatch


class SupportSessionService:
    def __init__(self) -> None:
        self.records = SupportSessionRepository()
        self.staff = StaffRepository()

    async def record(self, session: AsyncSession, business_id: int, fields: SupportSessionFields) -> SupportSession:
        business = await business_service.get(session, business_id)
        await period_lock_service.ensure_open(session, fields.held_on)
        staff_id = fields.staff_id if fields.staff_id is not None else business.staff_id
        await self._check_staff(session, staff_id)
        goals = await self._goals(session, business_id, fields.goal_ids)
        values = fields.model_dump(exclude={"goal_ids"}) | {"staff_id": staff_id}
        record = await self.records.add(session, SupportSession(business_id=business_id, goals=goals, **values))
        await outcome_record_service.days_changed(session, business_id, record.held_on)
        return record

    async def get(self, session: AsyncSession, session_id: int) -> SupportSession:
        record = await self.records.get(session, session_id)
        if record is None:
            raise NotFound(f"support session {session_id} not found")
        return record

    async def list_for_business(
        self, session: AsyncSession, business_id: int, limit: int, offset: int
    ) -> tuple[Sequence[SupportSession], int]:
        await business_service.get(session, business_id)
        return await self.records.list_for_business(session, business_id, limit, offset)

    async def latest_of_businesses(
        self, session: AsyncSession, business_ids: Sequence[int]
    ) -> Sequence[SupportSession]:
        return await self.records.latest_of_businesses(session, sorted(set(business_ids)))

    async def page(
        self,
        session: AsyncSession,
        request: PageRequest,
        *,
        business_id: int | None = None,
        staff_id: int | None = None,
    ) -> Page[SupportSession]:
        return await self.records.page(session, request, business_id=business_id, staff_id=staff_id)

    async def update(self, session: AsyncSession, session_id: int, patch: SupportSessionPatch) -> SupportSession:
        record = await self.get(session, session_id)
        if patch.version is not None and patch.version != record.version:
            raise VersionConflict(f"support session {session_id} is at version {record.version}, not {patch.version}")
        current = {name: getattr(record, name) for name in SupportSessionFields.model_fields if name != "goal_ids"} | {
            "goal_ids": [goal.id for goal in record.goals]
        }
        merged = SupportSessionFields.model_validate(
            current | patch.model_dump(exclude_unset=True, exclude={"version"})
        )
        # Both quarters must be open: the one the session leaves and the one it moves to.
        await period_lock_service.ensure_open(session, record.held_on)
        await period_lock_service.ensure_open(session, merged.held_on)
        await self._check_staff(session, merged.staff_id)
        held_before = record.held_on
        record.goals = await self._goals(session, record.business_id, merged.goal_ids)
        for name, value in merged.model_dump(exclude={"goal_ids"}).items():
            setattr(record, name, value)
        record.version += 1
        record.updated_at = utc_now()
        await session.flush()
        await outcome_record_service.days_changed(session, record.business_id, held_before, record.held_on)
        return record

    async def delete(self, session: AsyncSession, session_id: int) -> None:
        record = await self.get(session, session_id)
        await period_lock_service.ensure_open(session, record.held_on)
        await self.records.delete(session, record)
        await outcome_record_service.days_changed(session, record.business_id, record.held_on)

    async def _goals(self, session: AsyncSession, business_id: int, goal_ids: Sequence[int]) -> list[Goal]:
        goals = await self.records.goals_of_business(session, business_id, goal_ids)
        missing = sorted(set(goal_ids) - {goal.id for goal in goals})
        if missing:
            raise InvalidInput(f"目標 {missing} are not goals of business {business_id}", field="goal_ids")
        return goals

    async def _check_staff(self, session: AsyncSession, staff_id: int | None) -> None:
        if staff_id is not None and await self.staff.get(session, staff_id) is None:
            raise InvalidInput(f"担当者 {staff_id} does not exist", field="staff_id")


support_session_service = SupportSessionService()
