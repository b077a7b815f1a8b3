from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, NotFound, VersionConflict
from banso_core.vocabulary import GoalCategory, GoalStatus
from org_records.business.service import business_service
from org_records.goal.models import Goal
from org_records.goal.repository import GoalRepository
from org_records.goal.schemas import GoalFields, GoalPatch
from org_records.org import OrgIdentity
from org_records.outcome_record.service import outcome_record_service
from org_records.pagination import Page, PageRequest
from org_records.sharing.service import sharing_service
from org_records.staff.models import Staff
from org_records.staff.repository import StaffRepository


class GoalService:
    def __init__(self) -> None:
        self.goals = GoalRepository()
        self.staff = StaffRepository()

    async def create(self, session: AsyncSession, business_id: int, fields: GoalFields, org: OrgIdentity) -> Goal:
        business = await business_service.get(session, business_id)
        staff_id = fields.staff_id if fields.staff_id is not None else business.staff_id
        staff = await self._staff(session, staff_id)
        goal = await self.goals.add(
            session, Goal(business_id=business.id, **(fields.model_dump() | {"staff_id": staff_id}))
        )
        await sharing_service.publish_goal(session, goal, business, staff, org)
        await outcome_record_service.goal_changed(session, business.id)
        return goal

    async def get(self, session: AsyncSession, goal_id: int) -> Goal:
        goal = await self.goals.get(session, goal_id)
        if goal is None:
            raise NotFound(f"goal {goal_id} not found")
        return goal

    async def page(
        self,
        session: AsyncSession,
        request: PageRequest,
        *,
        business_id: int | None = None,
        staff_id: int | None = None,
        category: GoalCategory | None = None,
        status: GoalStatus | None = None,
    ) -> Page[Goal]:
        return await self.goals.page(
            session, request, business_id=business_id, staff_id=staff_id, category=category, status=status
        )

    async def update(self, session: AsyncSession, goal_id: int, patch: GoalPatch, org: OrgIdentity) -> Goal:
        goal = await self.get(session, goal_id)
        if patch.version is not None and patch.version != goal.version:
            raise VersionConflict(f"goal {goal_id} is at version {goal.version}, not {patch.version}")
        current = GoalFields.model_validate(goal, from_attributes=True).model_dump()
        changes = patch.model_dump(exclude_unset=True, exclude={"version"})
        if changes.get("status") not in (None, "achieved") and "achieved_on" not in changes:
            changes["achieved_on"] = None
        merged = GoalFields.model_validate(current | changes)
        staff = await self._staff(session, merged.staff_id)
        for name, value in merged.model_dump().items():
            setattr(goal, name, value)
        goal.version += 1
        goal.updated_at = utc_now()
        await session.flush()
        business = await business_service.get(session, goal.business_id)
        await sharing_service.publish_goal(session, goal, business, staff, org)
        await outcome_record_service.goal_changed(session, business.id)
        return goal

    async def delete(self, session: AsyncSession, goal_id: int, org: OrgIdentity) -> None:
        goal = await self.get(session, goal_id)
        await sharing_service.withdraw_goal(session, goal, org, utc_now())
        await self.goals.delete(session, goal)
        await outcome_record_service.goal_changed(session, goal.business_id)

    async def _staff(self, session: AsyncSession, staff_id: int | None) -> Staff | None:
        if staff_id is None:
            return None
        staff = await self.staff.get(session, staff_id)
        if staff is None:
            raise InvalidInput(f"担当者 {staff_id} does not exist", field="staff_id")
        return staff


goal_service = GoalService()
