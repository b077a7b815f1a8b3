from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from banso_core.errors import InvalidInput
from org_records.plan.models import Plan, PlanKpi


def _with_parts(query: Select[Plan]) -> Select[Plan]:
    return query.options(
        selectinload(Plan.themes),
        selectinload(Plan.kpis).selectinload(PlanKpi.targets),
        selectinload(Plan.kgis),
    )


def encode_cursor(plan: Plan) -> str:
    return base64.urlsafe_b64encode(f"{plan.updated_at.isoformat()}|{plan.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        updated_at, plan_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = dt.datetime.fromisoformat(updated_at)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, int(plan_id)
    except ValueError as error:
        raise InvalidInput("cursor is not one this service handed out", field="cursor") from error


class PlanRepository:
    async def get(self, session: AsyncSession, plan_id: int) -> Plan | None:
        return (await session.scalars(_with_parts(select(Plan).where(Plan.id == plan_id)))).one_or_none()

    async def add(self, session: AsyncSession, plan: Plan) -> Plan:
        session.add(plan)
        await session.flush()
        return plan

    async def clear_parts(self, session: AsyncSession, plan: Plan) -> None:
        """Drop themes, KPIs and KGIs first so that replacements may reuse their codes."""
        plan.themes.clear()
        plan.kpis.clear()
        plan.kgis.clear()
        await session.flush()

    async def delete(self, session: AsyncSession, plan: Plan) -> None:
        await session.delete(plan)
        await session.flush()

    async def list_page(
        self, session: AsyncSession, limit: int, cursor: str | None
    ) -> tuple[Sequence[Plan], str | None]:
        query = select(Plan).order_by(Plan.updated_at, Plan.id).limit(limit + 1)
        if cursor is not None:
            query = query.where(tuple_(Plan.updated_at, Plan.id) > decode_cursor(cursor))
        plans = (await session.scalars(_with_parts(query))).all()
        if len(plans) > limit:
            return plans[:limit], encode_cursor(plans[limit - 1])
        return plans, None

    async def covering(self, session: AsyncSession, first_day: dt.date, last_day: dt.date) -> Plan | None:
        """The plan whose period covers the given days; the most recently started if several do."""
        query = (
            select(Plan)
            .where(Plan.starts_on <= last_day, Plan.ends_on >= first_day)
            .order_by(Plan.starts_on.desc(), Plan.id.desc())
            .limit(1)
        )
        return (await session.scalars(_with_parts(query))).one_or_none()
