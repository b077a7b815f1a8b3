"""The outcome records as the tables read them (集計用の台帳): column-wise, one row per record, codes as small
integers, so that a table is counted with numpy over arrays rather than by walking Python objects."""

from __future__ import annotations

import asyncio
import functools
import math
import weakref
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.outcome_record.models import COUNT_FIELDS, RELATIVE_FIGURES
from analytics.tables.disclosure import Fact, Figure, most_records_per_business_year


@dataclass(frozen=True)
class CodedCounts:
    """One count map of every record (e.g. `goals_set_by_category`) in long form: an entry per (record, code)."""

    record: np.ndarray
    code: np.ndarray
    count: np.ndarray
    codes: tuple[str, ...]

    def per_record(self, size: int) -> np.ndarray:
        """The total of the map for each record."""
        return np.bincount(self.record, weights=self.count, minlength=size).astype(np.int64)

    def take(self, rows: np.ndarray, renumbered: np.ndarray) -> CodedCounts:
        kept = rows[self.record]
        return CodedCounts(renumbered[self.record[kept]], self.code[kept], self.count[kept], self.codes)


@dataclass(frozen=True)
class Register:
    """Records as columns. A business is a number local to the register, one per (organization, business): a
    business belongs to one organization."""

    business: np.ndarray
    org: np.ndarray
    orgs: tuple[str, ...]
    fiscal_year: np.ndarray
    fiscal_quarter: np.ndarray
    jsic_major: np.ndarray
    jsic_majors: tuple[str, ...]
    employee_band: np.ndarray
    employee_bands: tuple[str, ...]
    themes: CodedCounts
    """Each record's plan themes (count 1), each theme once."""
    counts: dict[str, CodedCounts]
    figures: dict[str, np.ndarray]
    """Relative figures by record; NaN where the record has none."""
    businesses: int

    def __len__(self) -> int:
        return len(self.business)

    @functools.cached_property
    def figure_columns(self) -> dict[str, Figure]:
        return {name: Figure.of(values) for name, values in self.figures.items()}

    @functools.cached_property
    def most_per_business_year(self) -> int:
        """The most records one business has in one fiscal year (4 for a register of business-quarters)."""
        return most_records_per_business_year(self.business, self.fiscal_year)

    def take(self, rows: np.ndarray) -> Register:
        """The records where `rows` (a boolean mask) is true, in the same order."""
        renumbered = np.cumsum(rows) - 1
        return Register(
            business=self.business[rows],
            org=self.org[rows],
            orgs=self.orgs,
            fiscal_year=self.fiscal_year[rows],
            fiscal_quarter=self.fiscal_quarter[rows],
            jsic_major=self.jsic_major[rows],
            jsic_majors=self.jsic_majors,
            employee_band=self.employee_band[rows],
            employee_bands=self.employee_bands,
            themes=self.themes.take(rows, renumbered),
            counts={name: counts.take(rows, renumbered) for name, counts in self.counts.items()},
            figures={name: values[rows] for name, values in self.figures.items()},
            businesses=self.businesses,
        )

    def listing(self, field_names: Iterable[str], code: str) -> np.ndarray:
        """Which records have `code` in any of the count maps named."""
        rows = np.zeros(len(self), dtype=bool)
        for name in field_names:
            counts = self.counts[name]
            if code in counts.codes:
                rows[counts.record[counts.code == counts.codes.index(code)]] = True
        return rows

    def coded(self, codes: tuple[str, ...], column: np.ndarray, wanted: Iterable[str]) -> np.ndarray:
        """Which records have one of the `wanted` codes in `column` (numbers into `codes`)."""
        return np.isin(column, [codes.index(code) for code in wanted if code in codes])

    def with_theme(self, theme: str) -> np.ndarray:
        rows = np.zeros(len(self), dtype=bool)
        if theme in self.themes.codes:
            rows[self.themes.record[self.themes.code == self.themes.codes.index(theme)]] = True
        return rows

    @classmethod
    def of_facts(cls, facts: Iterable[Fact]) -> Register:
        builder = RegisterBuilder()
        for fact in facts:
            builder.add(
                fact.org_id,
                fact.business,
                fact.fiscal_year,
                fact.fiscal_quarter,
                fact.jsic_major,
                fact.employee_band,
                fact.plan_themes,
                fact.counts,
                fact.figures,
            )
        return builder.build()


class _Growing:
    """A numpy column appended to one value at a time (capacity doubled as it fills)."""

    def __init__(self, dtype: type, fill: float = 0) -> None:
        self.values: np.ndarray = np.full(1024, fill, dtype=dtype)
        self.fill = fill
        self.size = 0

    def append(self, value: float) -> None:
        if self.size == len(self.values):
            self.values = np.concatenate((self.values, np.full(len(self.values), self.fill, self.values.dtype)))
        self.values[self.size] = value
        self.size += 1

    def extend(self, values: np.ndarray) -> None:
        while self.size + len(values) > len(self.values):
            self.values = np.concatenate((self.values, np.full(len(self.values), self.fill, self.values.dtype)))
        self.values[self.size : self.size + len(values)] = values
        self.size += len(values)

    def view(self) -> np.ndarray:
        return self.values[: self.size]


class _GrowingCounts:
    def __init__(self) -> None:
        self.record = _Growing(np.int64)
        self.code = _Growing(np.int64)
        self.count = _Growing(np.int64)
        self.codes: dict[str, int] = {}

    def add(self, row: int, code: str, count: int) -> None:
        self.record.append(row)
        self.code.append(self.codes.setdefault(code, len(self.codes)))
        self.count.append(count)

    def view(self) -> CodedCounts:
        return CodedCounts(self.record.view(), self.code.view(), self.count.view(), tuple(self.codes))


class RegisterBuilder:
    """Records appended one by one (from the store, from messages or from facts), as growing columns; a record
    replaced or withdrawn stays as a row no longer in force (`retire`), left out of every `build`."""

    def __init__(self) -> None:
        self._orgs: dict[str, int] = {}
        self._businesses: dict[tuple[int, Hashable], int] = {}
        self._jsic_majors: dict[str, int] = {}
        self._employee_bands: dict[str, int] = {}
        self._business = _Growing(np.int64)
        self._org = _Growing(np.int64)
        self._year = _Growing(np.int64)
        self._quarter = _Growing(np.int64)
        self._jsic = _Growing(np.int64)
        self._band = _Growing(np.int64)
        self._in_force = _Growing(np.bool_)
        self.retired = 0
        self._themes = _GrowingCounts()
        self._counts = {name: _GrowingCounts() for name in COUNT_FIELDS}
        self._figures = {name: _Growing(np.float64, math.nan) for name in RELATIVE_FIGURES}

    def __len__(self) -> int:
        return self._business.size - self.retired

    def add(
        self,
        org_id: str,
        business: Hashable,
        fiscal_year: int,
        fiscal_quarter: int,
        jsic_major: str,
        employee_band: str,
        plan_themes: Sequence[str],
        counts: Mapping[str, Mapping[str, int]],
        figures: Mapping[str, float | None],
    ) -> int:
        """Append a record in force; its row."""
        row = self._business.size
        org = self._orgs.setdefault(org_id, len(self._orgs))
        self._org.append(org)
        self._business.append(self._businesses.setdefault((org, business), len(self._businesses)))
        self._year.append(fiscal_year)
        self._quarter.append(fiscal_quarter)
        self._jsic.append(self._jsic_majors.setdefault(jsic_major, len(self._jsic_majors)))
        self._band.append(self._employee_bands.setdefault(employee_band, len(self._employee_bands)))
        self._in_force.append(True)
        for theme in dict.fromkeys(plan_themes):
            self._themes.add(row, theme, 1)
        for name, values in counts.items():
            part = self._counts.get(name)
            if part is not None:
                for code, count in values.items():
                    part.add(row, code, count)
        for name, column in self._figures.items():
            value = figures.get(name)
            column.append(math.nan if value is None else value)
        return row

    def retire(self, row: int) -> None:
        self._in_force.values[row] = False
        self.retired += 1

    def in_force(self) -> np.ndarray:
        return self._in_force.view().copy()

    def compacted(self) -> RegisterBuilder:
        """The same records in force, without the rows no longer in force (numbered in the same order)."""
        register = self.build()
        compact = RegisterBuilder()
        compact._orgs, compact._businesses = self._orgs, self._businesses
        compact._jsic_majors, compact._employee_bands = self._jsic_majors, self._employee_bands
        for column, values in (
            (compact._business, register.business),
            (compact._org, register.org),
            (compact._year, register.fiscal_year),
            (compact._quarter, register.fiscal_quarter),
            (compact._jsic, register.jsic_major),
            (compact._band, register.employee_band),
            (compact._in_force, np.ones(len(register), dtype=bool)),
            *((compact._figures[name], values) for name, values in register.figures.items()),
        ):
            column.extend(values)
        for target, source, part in (
            (compact._themes, self._themes, register.themes),
            *((compact._counts[name], self._counts[name], register.counts[name]) for name in COUNT_FIELDS),
        ):
            target.codes = source.codes
            target.record.extend(part.record)
            target.code.extend(part.code)
            target.count.extend(part.count)
        return compact

    def build(self) -> Register:
        every = Register(
            business=self._business.view(),
            org=self._org.view(),
            orgs=tuple(self._orgs),
            fiscal_year=self._year.view(),
            fiscal_quarter=self._quarter.view(),
            jsic_major=self._jsic.view(),
            jsic_majors=tuple(self._jsic_majors),
            employee_band=self._band.view(),
            employee_bands=tuple(self._employee_bands),
            themes=self._themes.view(),
            counts={name: part.view() for name, part in self._counts.items()},
            figures={name: column.view() for name, column in self._figures.items()},
            businesses=len(self._businesses),
        )
        return every.take(self.in_force())


RecordKey = tuple[str, str, int, int]


class KeptRegister:
    """The outcome records held column-wise in this process and kept up to date as records are applied (an upsert
    replaces the business-quarter's row; a tombstone retires it), so that a table is counted without reading the
    store again. Same rule as the store: a higher version wins; at the same version a tombstone wins."""

    def __init__(self) -> None:
        self._builder = RegisterBuilder()
        self._rows: dict[RecordKey, int] = {}
        self._versions: dict[RecordKey, tuple[int, bool]] = {}
        self.batches: int | None = None
        """The store's count of committed batches that these records include (None: not read from the store)."""
        self._snapshot: Register | None = None
        self.lock = asyncio.Lock()

    def clear(self) -> None:
        self._builder, self._rows, self._versions = RegisterBuilder(), {}, {}
        self.batches, self._snapshot = None, None

    def apply(self, key: RecordKey, version: int, withdrawn: bool, record: Any) -> None:
        held = self._versions.get(key)
        if held is not None and (version, withdrawn) <= held:
            return
        self._versions[key] = (version, withdrawn)
        row = self._rows.pop(key, None)
        if row is not None:
            self._builder.retire(row)
        if not withdrawn:
            self._rows[key] = self._builder.add(
                key[0],
                key[1],
                key[2],
                key[3],
                _field(record, "jsic_major") or "",
                _field(record, "employee_band") or "",
                _field(record, "plan_themes") or (),
                _field(record, "counts") or {},
                {name: _field(record, name) for name in RELATIVE_FIGURES},
            )
        self._snapshot = None

    def apply_batch(self, batch: int, records: Iterable[tuple[RecordKey, int, bool, Any]]) -> None:
        """A batch the store has committed as number `batch`: applied when this register holds every batch before
        it; otherwise the register stays behind the store's count and the next read loads it again."""
        if self.batches is not None and self.batches == batch - 1:
            for key, version, withdrawn, record in records:
                self.apply(key, version, withdrawn, record)
            self.batches = batch

    def register(self) -> Register:
        """The records in force, as columns (built once per change)."""
        if self._snapshot is None:
            self._snapshot = self._builder.build()
            if self._builder.retired > len(self._builder):  # mostly rows no longer in force: leave them out
                self._compact()
        return self._snapshot

    def _compact(self) -> None:
        in_force = self._builder.in_force()
        renumbered = np.cumsum(in_force) - 1
        self._rows = {key: int(renumbered[row]) for key, row in self._rows.items()}
        self._builder = self._builder.compacted()


_KEPT: weakref.WeakKeyDictionary[Any, KeptRegister] = weakref.WeakKeyDictionary()


def kept_register(session: AsyncSession, *, create: bool = True) -> KeptRegister | None:
    """The register this process keeps for the database of `session` (one per connection pool)."""
    bind = session.get_bind()
    pool = bind.pool if isinstance(bind, Engine) else bind.engine.pool
    kept = _KEPT.get(pool)
    if kept is None and create:
        kept = _KEPT[pool] = KeptRegister()
    return kept


def _field(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name)


def _listed(counts: CodedCounts, row: int) -> list[str]:
    return [counts.codes[code] for code in counts.code[counts.record == row].tolist()]


def _counted(counts: CodedCounts, row: int) -> list[int]:
    return counts.count[counts.record == row].tolist()


def _present(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
