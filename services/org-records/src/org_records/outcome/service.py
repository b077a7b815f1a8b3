from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import InvalidInput, NotFound, VersionConflict
from org_records.business.service import business_service
from org_records.outcome.models import OutcomeEvent
from org_records.outcome.repository import OutcomeRepository
from org_records.outcome.schemas import OutcomeFields, OutcomePatch
from org_records.outcome_record.service import outcome_record_service


class OutcomeService:
    def __init__(self) -> None:
        self.records = OutcomeRepository()

    async def create(self, session: AsyncSession, business_id: int, fields: OutcomeFields) -> OutcomeEvent:
        await business_service.get(session, business_id)
        await self._check_goal(session, business_id, fields.goal_id)
        record = await self.records.add(session, OutcomeEvent(business_id=business_id, **fields.model_dump()))
        await outcome_record_service.days_changed(session, business_id, record.occurred_on)
        return record

    async def get(self, session: AsyncSession, outcome_id: int) -> OutcomeEvent:
        record = await self.records.get(session, outcome_id)
        if record is None:
            raise NotFound(f"outcome {outcome_id} not found")
        return record

    async def list_for_business(self, session: AsyncSession, business_id: int) -> Sequence[OutcomeEvent]:
        await business_service.get(session, business_id)
        return await self.records.list_for_business(session, business_id)

    async def update(
        self, session: AsyncSession, outcome_id: int, patch: OutcomePatch, expected_version: int | None
    ) -> OutcomeEvent:
        record = await self.get(session, outcome_id)
        if expected_version is not None and expected_version != record.version:
            raise VersionConflict(f"outcome {outcome_id} is at version {record.version}, not {expected_version}")
        current = {name: getattr(record, name) for name in OutcomeFields.model_fields}
        changes = patch.model_dump(exclude_unset=True, exclude={"version"})
        merged = OutcomeFields.model_validate(current | changes).model_dump()
        await self._check_goal(session, record.business_id, merged["goal_id"])
        occurred_before = record.occurred_on
        if any(getattr(record, name) != value for name, value in merged.items()):
            for name, value in merged.items():
                setattr(record, name, value)
            record.version += 1
            record.updated_at = utc_now()
            await session.flush()
            await outcome_record_service.days_changed(session, record.business_id, occurred_before, record.occurred_on)
        return record

    async def delete(self, session: AsyncSession, outcome_id: int) -> None:
        record = await self.get(session, outcome_id)
        await self.records.delete(session, record)
        await outcome_record_service.days_changed(session, record.business_id, record.occurred_on)

    async def _check_goal(self, session: AsyncSession, business_id: int, goal_id: int | None) -> None:
        if goal_id is not None and await self.records.goal_of_business(session, business_id, goal_id) is None:
            raise InvalidInput(f"目標 {goal_id} is not a goal of business {business_id}", field="goal_id")


outcome_service = OutcomeService()
