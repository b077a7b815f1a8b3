"""統計的開示制御: cells counted on distinct businesses, small cells suppressed, and complementary suppression so that
no line (a row or column with its total) lets the hidden cells be subtracted back (sharing-policy.md §6).

A table is a set of cells keyed by a stratum (the fiscal year: no total across years) and one value per dimension,
where every dimension also has the value `TOTAL` (合計). A *line* is a total cell together with the cells that
differ from it in one dimension only: summing the line's members gives the total's additive measures. The rule,
checked for every line whose total is known: the cells hidden in it are none, or together rest on at least
k distinct businesses, so that "total − published members" never isolates fewer than k businesses. A hidden cell
that is the only unknown of a line counts as known (it can be subtracted back), and such chains are followed, so
that no cell under k can be recovered by subtracting along rows and columns one after another. (Inference that
needs solving several lines at once — linear programming over the whole table — is not audited.)
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

TOTAL = "total"
"""The value of a dimension in a total (合計) cell."""

CellKey = tuple[int, tuple[str, ...]]
"""(stratum: the fiscal year, one value per dimension)."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One outcome record as the tables count it: its business is a number that means nothing outside one
    computation (the pseudonym never leaves the repository)."""

    record: int
    business: int
    org_id: str
    fiscal_year: int
    fiscal_quarter: int
    jsic_major: str = ""
    employee_band: str = ""
    plan_themes: tuple[str, ...] = ()
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    figures: dict[str, float | None] = field(default_factory=dict)

    def count(self, name: str) -> dict[str, int]:
        return self.counts.get(name, {})

    def total(self, name: str) -> int:
        return sum(self.counts.get(name, {}).values())


@dataclass(frozen=True)
class Coded:
    """A dimension's value for each contribution, as a number into `codes`."""

    code: np.ndarray
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Contributions:
    """What the records add to the finest cells of a table, column-wise: contribution i comes from register row
    `record[i]`, lies in the cell of `dims[…].code[i]`, and adds `sums[…][i]`.

    `replicated`: a record is listed under several values of that dimension (under each of its plan themes); a
    total over it counts each record's contribution once (the one where `primary` is true).
    `record_sums` and `figures` are by register row: a cell adds each of its records' `record_sums` once, and
    averages its records' `figures` (NaN where a record has none)."""

    record: np.ndarray
    dims: tuple[Coded, ...]
    sums: dict[str, np.ndarray]
    replicated: int | None = None
    primary: np.ndarray | None = None
    record_sums: dict[str, np.ndarray] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)

    def where(self, kept: np.ndarray) -> Contributions:
        return replace(
            self,
            record=self.record[kept],
            dims=tuple(Coded(dim.code[kept], dim.codes) for dim in self.dims),
            sums={name: values[kept] for name, values in self.sums.items()},
            primary=self.primary[kept] if self.primary is not None else None,
        )


@dataclass(eq=False)
class Cell:
    size: int
    """How many distinct businesses the cell rests on."""
    sums: dict[str, float] = field(default_factory=dict)
    means: dict[str, float | None] = field(default_factory=dict)
    """Each figure's mean over the cell's records that have it, None where those are fewer than k businesses."""
    suppressed: bool = False
    primary: bool = False
    """Suppressed for resting on fewer than k businesses itself (not as a complement)."""
    listed: Callable[[], np.ndarray] = field(default=lambda: np.empty(0, dtype=np.int64), repr=False)

    @property
    def businesses(self) -> np.ndarray:
        """The businesses counted (numbers local to one computation), worked out only when asked for."""
        return self.listed()


def distinct(values: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """The distinct values, sorted (numpy's own sort: np.unique is several times slower on large arrays)."""
    ordered = values if in_place else np.sort(values)
    if in_place:
        ordered.sort()
    if len(ordered) == 0:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def aggregate(
    contributions: Contributions, business: np.ndarray, fiscal_year: np.ndarray, k: int, per_business_year: int = 4
) -> dict[CellKey, Cell]:
    """Every cell, totals included, that at least one business reaches; `business` and `fiscal_year` by register
    row, and `per_business_year` the most records a business has in one fiscal year.

    A cell counts each business and each record once (distinct (cell, business) and (cell, record) pairs, found by
    sorting combined integer keys), adds its contributions' sums (a replicated record's once), and its records'
    `record_sums` once each. The first dimension is the organization: a business, and so a record, belongs to
    one, so a total over organizations adds up its organizations' cells rather than counting again.
    """
    if len(contributions.record) == 0:
        return {}
    if np.any(contributions.record[1:] < contributions.record[:-1]):
        contributions = contributions.where(np.argsort(contributions.record, kind="stable"))
    record = contributions.record
    first_year = int(fiscal_year.min())
    held_years = np.bincount(fiscal_year[record] - first_year)
    years = np.flatnonzero(held_years) + first_year
    year_index = (np.cumsum(held_years > 0) - 1)[fiscal_year[record] - first_year]
    figures = contributions.figures
    context = _Context(
        contributions,
        business,
        business[record],
        business[record].astype(np.int32),
        years,
        year_index,
        max(int(business.max()), 1).bit_length(),
        max(len(business) - 1, 1).bit_length(),
        figures,
        {name: values[record] for name, values in contributions.record_sums.items()},
        *_figures_by_contribution(figures, record),
        _other_record(record),
        {name: values.astype(np.float64) for name, values in contributions.sums.items()},
        year_index * len(contributions.dims[0].codes) + contributions.dims[0].code,
        per_business_year,
        k,
    )
    cells: dict[CellKey, Cell] = {}
    for depth in range(len(contributions.dims)):
        for totalled in itertools.combinations(range(1, len(contributions.dims)), depth):
            tally = _tally(context, totalled)
            cells.update(tally.cells(context))
            over_orgs = tally.over_orgs(context) if tally.labels is None else _tally(context, (0, *totalled))
            cells.update(over_orgs.cells(context))
    return cells


@dataclass(frozen=True)
class _Context:
    contributions: Contributions
    business: np.ndarray
    business_of: np.ndarray
    """The business of each contribution."""
    business_of32: np.ndarray
    years: np.ndarray
    year_index: np.ndarray
    business_bits: int
    record_bits: int
    figures: dict[str, Figure]
    record_sums: dict[str, np.ndarray]
    """Each record sum by contribution (to be added at a cell's first contribution of each record)."""
    figure_values: dict[str, np.ndarray]
    """Each figure by contribution (0 where its record has none), for the figures some record has."""
    presences: dict[str, np.ndarray]
    """Whether each contribution's record has the figure (1.0 or 0.0), once for figures present in the same
    records."""
    presence_of: dict[str, str]
    other_record: list[np.ndarray] | None
    """For each distance back up to the most contributions one record makes: whether the contribution that far
    before is another record's (contributions come record by record)."""
    sums: dict[str, np.ndarray]
    """The contributions' sums, as the floats numpy adds."""
    year_and_org: np.ndarray
    per_business_year: int
    k: int


@dataclass
class _Tally:
    """The cells of one combination of totals, as arrays by cell code (fiscal year, then each kept dimension)."""

    totalled: tuple[int, ...]
    radix: int
    labels: np.ndarray | None
    """The cell codes, where they were renumbered to keep the arrays small; None where a code is its own index."""
    size: np.ndarray
    sums: dict[str, np.ndarray]
    have: dict[str, np.ndarray]
    totals: dict[str, np.ndarray]
    pairs: np.ndarray
    pair_starts: np.ndarray
    held: _Held | None
    parts: Callable[[int], list[int]] = field(default=lambda code: [code])
    """The codes whose pairs and records make up a cell (itself, or for a total over organizations each
    organization's cell)."""

    def over_orgs(self, context: _Context) -> _Tally:
        orgs = len(context.contributions.dims[0].codes)
        rest = self.radix // (len(context.years) * orgs)

        def added(values: np.ndarray) -> np.ndarray:
            return values.reshape(len(context.years), orgs, rest).sum(axis=1).ravel()

        def parts(code: int) -> list[int]:
            year, within = divmod(code, rest)
            return [(year * orgs + org) * rest + within for org in range(orgs)]

        return replace(
            self,
            totalled=(0, *self.totalled),
            radix=self.radix // orgs,
            size=added(self.size),
            sums={name: added(values) for name, values in self.sums.items()},
            have={name: added(values) for name, values in self.have.items()},
            totals={name: added(values) for name, values in self.totals.items()},
            parts=parts,
        )

    def cells(self, context: _Context) -> dict[CellKey, Cell]:
        found = np.flatnonzero(self.size)
        codes = self.labels[found] if self.labels is not None else found
        keys = _labels(codes, context.contributions.dims, self.totalled, context.years)
        sums = {name: values[found].tolist() for name, values in self.sums.items()}
        sizes = self.size[found].tolist()
        means = {name: self._means(context, name, found) for name in context.figures}
        cells = {}
        for position, (code, key) in enumerate(zip(found.tolist(), keys, strict=True)):
            cells[key] = Cell(
                size=sizes[position],
                sums={name: values[position] for name, values in sums.items()},
                means={name: values[position] for name, values in means.items()},
                listed=functools.partial(self._businesses, code, context.business_bits),
            )
        return cells

    def _businesses(self, code: int, bits: int) -> np.ndarray:
        parts = [self.pairs[self.pair_starts[part] : self.pair_starts[part + 1]] for part in self.parts(code)]
        return np.concatenate(parts) & ((1 << bits) - 1)

    def _records(self, code: int) -> np.ndarray:
        assert self.held is not None
        return np.concatenate([self.held.records(part) for part in self.parts(code)])

    def _means(self, context: _Context, name: str, found: np.ndarray) -> list[float | None]:
        """The mean of the figure over each cell's records that have it, when they belong to at least k
        businesses; None otherwise. Rounded to 0.1 as `round(math.fsum(values) / n, 1)` would: the sum of
        numpy's adding is used where its error bound cannot change that rounding, math.fsum where it could."""
        figure = context.figures[name]
        if name not in context.figure_values:
            return [None] * len(found)  # no record has it
        have = self.have[context.presence_of[name]][found].tolist()
        totals = self.totals[name][found].tolist()
        orgs = len(context.contributions.dims[0].codes)
        k = context.k
        means: list[float | None] = []
        for position, code in enumerate(found.tolist()):
            count = int(have[position])
            rows = None
            if count == 0:
                means.append(None)
                continue
            if count <= context.per_business_year * (k - 1):  # too few records to be sure of k businesses
                rows = self._records(code)
                rows = rows[figure.present[rows]]
                if len(distinct(context.business[rows])) < k:
                    means.append(None)
                    continue
            total = totals[position]
            error = 2.0 * (count + orgs) * _UNIT_ROUNDOFF * count * figure.largest
            low, high = round((total - error) / count, 1), round((total + error) / count, 1)
            if low != high:
                if rows is None:
                    rows = self._records(code)
                    rows = rows[figure.present[rows]]
                low = round(math.fsum(figure.values[rows].tolist()) / count, 1)
            means.append(low + 0.0)
        return means


_UNIT_ROUNDOFF = 2.0**-53
_DENSE_CELLS = 1 << 22


def _tally(context: _Context, totalled: tuple[int, ...]) -> _Tally:
    contributions = context.contributions
    record = contributions.record
    dims = contributions.dims
    if 0 in totalled:
        code, radix, first_dim = context.year_index, len(context.years), 1
    else:  # the fiscal year and the organization, the same for every combination of totals
        code, radix, first_dim = context.year_and_org, len(context.years) * len(dims[0].codes), 1
    for index in range(first_dim, len(dims)):
        if index not in totalled:
            code, radix = code * len(dims[index].codes) + dims[index].code, radix * len(dims[index].codes)
    labels = None
    if radix > _DENSE_CELLS:  # too many possible cells for arrays by code: number the cells present
        labels = distinct(code)
        code, radix = np.searchsorted(labels, code), len(labels)
    if (radix - 1).bit_length() + context.business_bits <= 31:  # half the bytes to sort: about twice as fast
        keys = np.left_shift(code, context.business_bits, dtype=np.int32)
        pairs = distinct(np.bitwise_or(keys, context.business_of32, out=keys), in_place=True)
    else:
        pairs = distinct((code << context.business_bits) | context.business_of, in_place=True)
    size = np.bincount(pairs >> context.business_bits, minlength=radix)
    primary = contributions.primary if contributions.replicated in totalled else None
    sums = {
        name: np.bincount(code, weights=values if primary is None else values * primary, minlength=radix)
        for name, values in context.sums.items()
    }
    have, totals = {}, {}
    held = None
    if context.record_sums or context.figure_values:
        first = _first_of_each_record(code, record, context.other_record, context.record_bits)
        held = _Held(code if first.all() else np.where(first, code, radix), record, radix)
        for name, values in context.record_sums.items():
            sums[name] = np.bincount(held.code, weights=values, minlength=radix + 1)[:radix]
        for name, present in context.presences.items():
            have[name] = np.bincount(held.code, weights=present, minlength=radix + 1)[:radix]
        for name, filled in context.figure_values.items():
            totals[name] = np.bincount(held.code, weights=filled, minlength=radix + 1)[:radix]
    return _Tally(
        totalled,
        radix,
        labels,
        size,
        sums,
        have,
        totals,
        pairs,
        np.concatenate(([0], np.cumsum(size))),
        held,
    )


@dataclass
class _Held:
    """Each contribution's cell code where it is the first of its record in the cell, `unheld` elsewhere; the
    records of a cell are listed (by sorting) only when asked for."""

    code: np.ndarray
    record: np.ndarray
    unheld: int
    _order: np.ndarray | None = None
    _starts: np.ndarray | None = None

    def records(self, code: int) -> np.ndarray:
        if self._order is None or self._starts is None:
            self._order = np.argsort(self.code, kind="stable")
            self._starts = np.concatenate(([0], np.cumsum(np.bincount(self.code, minlength=self.unheld + 1))))
        return self.record[self._order[self._starts[code] : self._starts[code + 1]]]


def _other_record(record: np.ndarray) -> list[np.ndarray] | None:
    longest = int(np.bincount(record).max())
    if longest > 16:
        return None
    return [record[back:] != record[:-back] for back in range(1, longest)]


def _figures_by_contribution(
    figures: dict[str, Figure], record: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, str]]:
    """Each figure some record has, by contribution; which records have it, once per distinct pattern (figures
    usually come together); and which pattern each figure has."""
    values: dict[str, np.ndarray] = {}
    presences: dict[str, np.ndarray] = {}
    presence_of: dict[str, str] = {}
    for name, figure in figures.items():
        if not figure.present.any():
            continue
        values[name] = figure.filled[record]
        same = next((other for other in presences if np.array_equal(figures[other].present, figure.present)), None)
        if same is None:
            presences[name] = figure.counted[record]
        presence_of[name] = same or name
    return values, presences, presence_of


def _first_of_each_record(
    code: np.ndarray, record: np.ndarray, other_record: list[np.ndarray] | None, record_bits: int
) -> np.ndarray:
    """Whether each contribution is the first of its record in its cell. Contributions come record by record, so
    a record's others lie just before it: `other_record[back - 1]` tells whether the contribution `back` places
    before is another record's (None where records make too many contributions for that to be quicker)."""
    if other_record is not None:
        first = np.ones(len(code), dtype=bool)
        for back, other in enumerate(other_record, start=1):
            first[back:] &= other | (code[back:] != code[:-back])
        return first
    keys = (code << record_bits) | record
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.empty(len(code), dtype=bool)
    first[order] = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    return first


def _labels(codes: np.ndarray, dims: Sequence[Coded], totalled: tuple[int, ...], years: np.ndarray) -> list[CellKey]:
    """The key of each cell code: its fiscal year and, per dimension, its code or TOTAL."""
    rest = codes
    values: list[list[str]] = []
    for index in reversed(range(len(dims))):
        if index in totalled:
            values.append([TOTAL] * len(codes))
        else:
            rest, code = np.divmod(rest, len(dims[index].codes))
            values.append([dims[index].codes[value] for value in code.tolist()])
    values.reverse()
    year_values = years[rest].tolist()
    return [(year, tuple(dim[position] for dim in values)) for position, year in enumerate(year_values)]


def most_records_per_business_year(business: np.ndarray, fiscal_year: np.ndarray) -> int:
    """The most records one business has in one fiscal year (a record is a business-quarter: 4 at most)."""
    if len(business) == 0:
        return 1
    first = int(fiscal_year.min())
    keys = np.sort(business * (int(fiscal_year.max()) - first + 1) + (fiscal_year - first))
    ends = np.concatenate((np.flatnonzero(keys[1:] != keys[:-1]) + 1, [len(keys)]))
    return int(np.diff(ends, prepend=0).max())


@dataclass(frozen=True)
class Figure:
    """A relative figure by register row: the values (NaN where absent), which rows have one, the values with 0
    where absent (for adding), and the largest magnitude (for the bound on the error of adding)."""

    values: np.ndarray
    present: np.ndarray
    counted: np.ndarray
    """`present` as the floats numpy adds."""
    filled: np.ndarray
    largest: float

    @classmethod
    def of(cls, values: np.ndarray) -> Figure:
        present = ~np.isnan(values)
        filled = np.where(present, values, 0.0)
        largest = float(np.abs(filled).max()) if len(filled) else 0.0
        return cls(values, present, present.astype(np.float64), filled, largest)


@dataclass(frozen=True)
class Line:
    total: CellKey
    members: tuple[CellKey, ...]


def lines_of(cells: dict[CellKey, Cell], dimensions: int) -> list[Line]:
    """Every line: a total with its members along one dimension (a total heads one line per dimension)."""
    members: dict[tuple[CellKey, int], list[CellKey]] = {}
    for key in cells:
        stratum, dims = key
        for index, value in enumerate(dims):
            if value != TOTAL:
                total = (stratum, (*dims[:index], TOTAL, *dims[index + 1 :]))
                members.setdefault((total, index), []).append(key)
    return [Line(total, tuple(sorted(found))) for (total, _), found in sorted(members.items())]


def suppress(cells: dict[CellKey, Cell], dimensions: int, k: int) -> None:
    """Primary suppression (fewer than k businesses), then complementary suppression until the audit passes.

    Each round audits the table as an attacker would subtract (`audit`) and, in every line at fault, hides one
    more cell: the published cell with the fewest businesses (the least information lost). Strata (fiscal years)
    share no line, so each is treated alone. Hiding only grows, so this ends.
    """
    for cell in cells.values():
        if cell.size < k:
            cell.suppressed = cell.primary = True
    by_stratum: dict[int, dict[CellKey, Cell]] = {}
    for key, cell in cells.items():
        by_stratum.setdefault(key[0], {})[key] = cell
    for stratum_cells in by_stratum.values():
        if not any(cell.suppressed for cell in stratum_cells.values()):
            continue  # nothing hidden: nothing to subtract back
        lines = lines_of(stratum_cells, dimensions)
        by_key: dict[CellKey, list[Line]] = {}
        for line in lines:
            for key in (line.total, *line.members):
                by_key.setdefault(key, []).append(line)
        while faults := audit(stratum_cells, lines, k, by_key):
            hidden_now: set[CellKey] = set()
            for line, derived_by in faults:
                if hidden_now.isdisjoint((line.total, *line.members)):
                    hidden = _hide_one_more(stratum_cells, line, derived_by)
                    if hidden is not None:
                        hidden_now.add(hidden)
            # The round's first fault always finds a published cell behind it (nothing was hidden yet), so every
            # round hides at least one cell and the loop ends.
            assert hidden_now, "a line gives something away but nothing behind it is published"


def audit(
    cells: dict[CellKey, Cell], lines: list[Line], k: int, by_key: dict[CellKey, list[Line]] | None = None
) -> list[tuple[Line, dict[CellKey, Line]]]:
    """The lines that give something away, with how each derivable hidden cell is derived; empty when none does.

    A hidden cell is *derivable* when it is the only unknown cell of a line whose others are published or derivable
    themselves (total − members, or members summed). A line gives something away when a derivable cell rests on
    fewer than k businesses, or when its total is known and its unknown members together rest on fewer than k.
    """
    known = {key for key, cell in cells.items() if not cell.suppressed}
    derived_by: dict[CellKey, Line] = {}
    faults: list[tuple[Line, dict[CellKey, Line]]] = []
    pending = list(lines)
    while pending:
        touched: list[Line] = []
        for line in pending:
            unknown = [key for key in (line.total, *line.members) if key not in known]
            if len(unknown) != 1:
                continue
            [key] = unknown
            if cells[key].size < k:
                faults.append((line, derived_by))
                continue
            known.add(key)
            derived_by[key] = line
            touched.extend(by_key[key] if by_key is not None else lines)
        pending = list(dict.fromkeys(touched))
    if faults:
        return faults
    for line in lines:
        if line.total not in known:
            continue
        hidden = [cells[key] for key in line.members if key not in known]
        if hidden and _union_size(hidden, k) < k:
            faults.append((line, derived_by))
    return faults


def _union_size(hidden: list[Cell], k: int) -> int:
    """How many distinct businesses the cells rest on together (any one of them with k or more is enough)."""
    if any(cell.size >= k for cell in hidden):
        return max(cell.size for cell in hidden)
    return len(distinct(np.concatenate([cell.businesses for cell in hidden])))


def _hide_one_more(cells: dict[CellKey, Cell], line: Line, derived_by: dict[CellKey, Line]) -> CellKey | None:
    """Hide the cell with the fewest businesses among those that make `line` give something away: its published
    cells, and the published cells of the lines its derivable cells were subtracted from (followed further back
    when those have none). None when nothing behind it is published any more: a cell hidden earlier in the same
    round already cut the derivation (`derived_by` is the audit's, from before that), and the next audit says
    whether the line still gives anything away."""
    seen: set[Line] = set()
    frontier = [line, *(derived_by[key] for key in (line.total, *line.members) if key in derived_by)]
    while frontier:
        candidates: set[CellKey] = set()
        following: list[Line] = []
        for current in frontier:
            if current in seen:
                continue
            seen.add(current)
            for key in (current.total, *current.members):
                if not cells[key].suppressed:
                    candidates.add(key)
                elif key in derived_by and derived_by[key] is not current:
                    following.append(derived_by[key])
        if candidates:
            smallest = min(candidates, key=lambda key: (cells[key].size, key == line.total, key))
            cells[smallest].suppressed = True
            return smallest
        frontier = following
    return None


def violations(cells: dict[CellKey, Cell], dimensions: int, k: int) -> list[str]:
    """What a published table would give away (see `audit`); empty for every table `suppress` has treated."""
    found = [f"{key} rests on {cell.size}" for key, cell in cells.items() if not cell.suppressed and cell.size < k]
    for line, _ in audit(cells, lines_of(cells, dimensions), k):
        found.append(f"the line of {line.total} gives away fewer than {k} businesses")
    return found


def sort_key(key: CellKey) -> tuple[Any, ...]:
    """Years in order, and within a dimension the codes first and the total last."""
    stratum, dims = key
    return (stratum, *((value == TOTAL, value) for value in dims))


def ordered(cells: dict[CellKey, Cell]) -> Sequence[tuple[CellKey, Cell]]:
    return sorted(cells.items(), key=lambda item: sort_key(item[0]))
