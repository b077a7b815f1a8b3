from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.models import Business
from org_records.goal.models import Goal
from org_records.staff.models import Staff

# Lookups go in slices so that a large file stays under the drivers' limits on bound parameters.
_SLICE = 1000


def _slices(values: Collection[Any]) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), _SLICE):
        yield ordered[start : start + _SLICE]


class TransferRepository:
    """The bulk reads of imports and exports: whole registers, and lookups by the keys a file carries."""

    async def existing_staff_ids(self, session: AsyncSession, staff_ids: Collection[int]) -> set[int]:
        found: set[int] = set()
        for part in _slices(staff_ids):
            found.update((await session.scalars(select(Staff.id).where(Staff.id.in_(part)))).all())
        return found

    async def businesses_by_code(self, session: AsyncSession, codes: Collection[str]) -> dict[str, Business]:
        found: dict[str, Business] = {}
        for part in _slices(codes):
            for business in (await session.scalars(select(Business).where(Business.external_code.in_(part)))).all():
                assert business.external_code is not None
                found[business.external_code] = business
        return found

    async def businesses_by_id(self, session: AsyncSession, business_ids: Collection[int]) -> dict[int, Business]:
        found: dict[int, Business] = {}
        for part in _slices(business_ids):
            for business in (await session.scalars(select(Business).where(Business.id.in_(part)))).all():
                found[business.id] = business
        return found

    async def goals_of(self, session: AsyncSession, business_ids: Collection[int]) -> Sequence[Goal]:
        goals: list[Goal] = []
        for part in _slices(business_ids):
            query = select(Goal).where(Goal.business_id.in_(part)).order_by(Goal.id)
            goals.extend((await session.scalars(query)).all())
        return goals

    async def all_businesses(self, session: AsyncSession) -> Sequence[Business]:
        return (await session.scalars(select(Business).order_by(Business.id))).all()

    async def all_goals(self, session: AsyncSession) -> Sequence[tuple[Goal, Business]]:
        query = select(Goal, Business).join(Business, Goal.business_id == Business.id).order_by(Business.id, Goal.id)
        return [(goal, business) for goal, business in (await session.execute(query)).all()]
