from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.db import utc_now
from banso_core.errors import NotFound, VersionConflict
from banso_core.vocabulary import PolicySupportResult
from org_records.business.service import business_service
from org_records.outcome_record.service import outcome_record_service
from org_records.policy_support.models import PolicySupport
from org_records.policy_support.repository import PolicySupportRepository
from org_records.policy_support.schemas import DECIDED, PolicySupportFields, PolicySupportPatch


class PolicySupportService:
    def __init__(self) -> None:
        self.records = PolicySupportRepository()

    async def create(self, session: AsyncSession, business_id: int, fields: PolicySupportFields) -> PolicySupport:
        await business_service.get(session, business_id)
        record = await self.records.add(session, PolicySupport(business_id=business_id, **fields.model_dump()))
        await outcome_record_service.days_changed(session, business_id, record.applied_on, record.decided_on)
        return record

    async def get(self, session: AsyncSession, policy_support_id: int) -> PolicySupport:
        record = await self.records.get(session, policy_support_id)
        if record is None:
            raise NotFound(f"policy support {policy_support_id} not found")
        return record

    async def list_for_business(self, session: AsyncSession, business_id: int) -> Sequence[PolicySupport]:
        await business_service.get(session, business_id)
        return await self.records.list_for_business(session, business_id)

    async def update(
        self, session: AsyncSession, policy_support_id: int, patch: PolicySupportPatch, expected_version: int | None
    ) -> PolicySupport:
        record = await self.get(session, policy_support_id)
        if expected_version is not None and expected_version != record.version:
            raise VersionConflict(
                f"policy support {policy_support_id} is at version {record.version}, not {expected_version}"
            )
        current = PolicySupportFields.model_validate(record, from_attributes=True).model_dump()
        changes = patch.model_dump(exclude_unset=True, exclude={"version"})
        result = changes.get("result")
        # Moving back from a decision takes its date and amount with it unless the client says otherwise.
        if result is not None and result != PolicySupportResult.adopted:
            changes.setdefault("amount_granted_yen", None)
        if result is not None and result not in DECIDED:
            changes.setdefault("decided_on", None)
        merged = PolicySupportFields.model_validate(current | changes).model_dump()
        days_before = (record.applied_on, record.decided_on)
        if any(getattr(record, name) != value for name, value in merged.items()):
            for name, value in merged.items():
                setattr(record, name, value)
            record.version += 1
            record.updated_at = utc_now()
            await session.flush()
            await outcome_record_service.days_changed(
                session, record.business_id, *days_before, record.applied_on, record.decided_on
            )
        return record

    async def delete(self, session: AsyncSession, policy_support_id: int) -> None:
        record = await self.get(session, policy_support_id)
        await self.records.delete(session, record)
        await outcome_record_service.days_changed(session, record.business_id, record.applied_on, record.decided_on)


policy_support_service = PolicySupportService()
