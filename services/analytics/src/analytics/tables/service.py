"""Publishing a table: the records in force (kept as columns) → contributions → cells → suppression → the rows the
caller may see."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.outcome_record.repository import OutcomeRecordRepository
from analytics.tables.definitions import GOAL_FIELDS, TABLES, TableDefinition
from analytics.tables.disclosure import TOTAL, Cell, CellKey, Fact, aggregate, ordered, suppress
from analytics.tables.register import Register, kept_register
from analytics.tables.schemas import ColumnOut, TableFilters, TableOut, TableSummary
from banso_core.db import Database
from banso_core.errors import Forbidden, InvalidInput, NotFound
from banso_core.federation import MemberOrganizations
from banso_core.tokens import Principal


def compute(
    table: TableDefinition,
    records: Register | Sequence[Fact],
    k: int,
    *,
    fiscal_year: int | None = None,
    fiscal_quarter: int | None = None,
) -> dict[CellKey, Cell]:
    """Every cell of the table, suppressed: what may be published, before anyone's view of it."""
    register = records if isinstance(records, Register) else Register.of_facts(records)
    contributions = table.contributions(register)
    if fiscal_year is not None or fiscal_quarter is not None:
        kept = np.ones(len(contributions.record), dtype=bool)
        if fiscal_year is not None:
            kept &= register.fiscal_year[contributions.record] == fiscal_year
        if fiscal_quarter is not None:
            kept &= register.fiscal_quarter[contributions.record] == fiscal_quarter
        contributions = contributions.where(kept)
    cells = aggregate(contributions, register.business, register.fiscal_year, k, register.most_per_business_year)
    suppress(cells, len(table.dimensions), k)
    return cells


def fiscal_year_label(year: int) -> str:
    return f"令和{year - 2018}年度" if year >= 2019 else f"{year}年度"


def rows_of(
    table: TableDefinition,
    cells: dict[CellKey, Cell],
    k: int,
    org_label: Callable[[str], str],
    keep: Callable[[tuple[str, ...]], bool] = lambda dims: True,
) -> list[dict[str, Any]]:
    rows = []
    for (year, dims), cell in ordered(cells):
        if not keep(dims):
            continue
        row: dict[str, Any] = {"fiscal_year": year, "fiscal_year_label": fiscal_year_label(year)}
        for dimension, value in zip(table.dimensions, dims, strict=True):
            row[dimension.name] = value
            row[f"{dimension.name}_label"] = org_label(value) if dimension.name == "org" else dimension.label(value)
        row["suppressed"] = cell.suppressed
        row["businesses"] = None if cell.suppressed else cell.size
        values = table.values(cell, k) if not cell.suppressed else {}
        for measure in table.measures:
            row[measure.name] = values.get(measure.name)
        rows.append(row)
    return rows


def summary_of(table: TableDefinition) -> TableSummary:
    return TableSummary(
        name=table.name,
        title=table.title,
        description=table.description,
        dimensions=[ColumnOut(name=dimension.name, heading=dimension.heading) for dimension in table.dimensions],
        measures=[ColumnOut(name=m.name, heading=m.heading, kind=m.kind) for m in table.measures],
    )


log = logging.getLogger(__name__)


class TableService:
    def __init__(self) -> None:
        self.records = OutcomeRecordRepository()

    async def current(self, session: AsyncSession) -> Register:
        """The records in force, from the register this process keeps: read again from the store only when the
        store counts batches this process has not applied (at start, or written by another process)."""
        kept = kept_register(session)
        assert kept is not None
        async with kept.lock:
            committed = await self.records.batches(session)
            if committed != kept.batches:
                kept.clear()
                for number, row in enumerate(await self.records.every_row(session), start=1):
                    key = (row.org_id, row.business_ref, row.fiscal_year, row.fiscal_quarter)
                    kept.apply(key, row.version, row.withdrawn, row)
                    if number % 10_000 == 0:  # millions of rows take a minute: let requests and consumers in between
                        await asyncio.sleep(0)
                kept.batches = committed  # the rows were read after the count: they hold at least these batches
            return kept.register()

    async def warm(self, database: Database) -> None:
        """Load the register at start, so that the first table asked for does not wait for it."""
        try:
            async with database.session(read_only=True) as session:
                await self.current(session)
        except Exception:
            log.warning("the register was not loaded at start; the first table read loads it", exc_info=True)

    def list(self) -> list[TableSummary]:
        return [summary_of(table) for table in TABLES.values()]

    async def get(
        self,
        session: AsyncSession,
        name: str,
        filters: TableFilters,
        *,
        caller: Principal,
        members: MemberOrganizations,
        k: int,
    ) -> TableOut:
        table = TABLES.get(name)
        if table is None:
            raise NotFound(f"no table named {name!r}; GET /api/v1/tables lists them", field="name")
        dimension_names = {dimension.name for dimension in table.dimensions}
        prefecture = members.is_prefecture(caller.org)
        if filters.org is not None and filters.org != TOTAL:
            if members.get(filters.org) is None:
                raise InvalidInput(f"org: no member organization {filters.org!r}", field="org")
            if not prefecture and filters.org != caller.org:
                raise Forbidden("an organization sees its own figures and the prefecture's (org=total) only")
        register = await self.current(session)
        counted = np.ones(len(register), dtype=bool)  # the businesses the filters let the table count
        org_ids = members.of_kind(filters.org_kind.value if filters.org_kind is not None else None)
        if org_ids is not None:
            counted &= register.coded(register.orgs, register.org, org_ids)
        if filters.jsic_major is not None and "jsic_major" not in dimension_names:
            counted &= register.coded(register.jsic_majors, register.jsic_major, [filters.jsic_major])
        if filters.employee_band is not None:
            counted &= register.coded(register.employee_bands, register.employee_band, [filters.employee_band.value])
        if not counted.all():
            register = register.take(counted)
        if filters.category is not None and "category" not in dimension_names:
            register = register.take(register.listing(GOAL_FIELDS, filters.category.value))
        if filters.theme is not None and "theme" not in dimension_names:
            register = register.take(register.with_theme(filters.theme))
        # Counting is pure CPU work: off the event loop, so that consumers and other requests keep being served.
        cells = await asyncio.to_thread(
            compute, table, register, k, fiscal_year=filters.fiscal_year, fiscal_quarter=filters.fiscal_quarter
        )

        wanted = {
            index: str(getattr(filters, dimension.name).value if hasattr(getattr(filters, dimension.name), "value")
                       else getattr(filters, dimension.name))
            for index, dimension in enumerate(table.dimensions)
            if getattr(filters, dimension.name, None) is not None
        }  # fmt: skip
        visible = None if prefecture else {caller.org, TOTAL}

        def keep(dims: tuple[str, ...]) -> bool:
            if visible is not None and dims[0] not in visible:
                return False
            return all(dims[index] == value for index, value in wanted.items())

        def org_label(org_id: str) -> str:
            if org_id == TOTAL:
                return "県全体" if filters.org_kind is None else f"県全体（{filters.org_kind.label}）"
            found = members.get(org_id)
            return found.name if found is not None else org_id

        summary = summary_of(table)
        return TableOut(
            **summary.model_dump(),
            min_businesses=k,
            filters=filters.model_dump(mode="json", exclude_none=True),
            rows=rows_of(table, cells, k, org_label, keep),
        )


table_service = TableService()
