"""The search index of shared goals, held in memory by each exchange process (numpy postings and columns).

The database stays the source of truth: `shared_goal` keeps each goal's analysed terms (analysis.py), and an
index is loaded from them at start and kept in step by reading what was written since (`sync`). Every row
write stamps `ingested_seq`: on SQLite the stored maximum plus one (writers are serialised, so the stamps follow
commit order); on PostgreSQL the writing transaction's id. A sync reads the rows stamped after its watermark: on
SQLite the greatest stamp it saw; on PostgreSQL the transaction ids not yet finished when it last looked (its
snapshot's xmax and in-progress list), so a transaction that commits late is still read.

Documents are numbered as they come; a goal that changes gets a new number and its old one is marked dead.
Postings are sorted int32 document numbers per (field, term): a compact base (CSR: one array of documents, one
of offsets per term) and, for what arrived since it was built, small per-term arrays that are merged into the base
once they grow. Filters are numpy columns compared whole; a search combines boolean masks, scores with
idf × field weight, and takes the top of the page by `np.partition`, counting every match exactly.
"""

from __future__ import annotations

import array
import asyncio
import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import ColumnElement, func, literal, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.japanese import ESCAPE, QueryWord
from exchange.goal_summary.analysis import index_goal
from exchange.goal_summary.models import SharedGoal

if TYPE_CHECKING:
    from exchange.goal_summary.service import GoalFilters

FIELD_WEIGHTS = {"words": 1.0, "synonyms": 0.7, "labels": 0.4, "bigrams": 0.25}
"""How much a matched term counts, by the field it matched in (× its idf)."""
_FIELD_PREFIX = {"words": "w", "synonyms": "s", "labels": "l", "bigrams": "b"}
BM25_K1, BM25_B = 1.2, 0.75
PREFIX_IDF = 2.0
"""idf of a one-character (prefix) match, which stands for many bigrams at once."""
BOOSTS = {"category": 0.5, "jsic_middle": 0.3, "jsic_major": 0.2}
"""Score multipliers of "similar" for the same category and industry (added to 1)."""
SIMILAR_TERMS = 8
"""A goal's rarest terms that "similar" looks for."""
CODED_COLUMNS = ("category", "jsic_major", "jsic_middle", "status", "business_form", "employee_band", "org_id")
LOAD_CHUNK = 5_000
"""Rows read per statement while loading or catching up."""
RENUMBER_DEAD = 50_000
"""Dead document numbers (beyond a quarter of the live ones) from which the documents are numbered afresh."""
BULK_ROWS = 2_000
"""A sync of at least this many rows builds postings by sorting, not by appending term by term."""
NULL_DAY = -2_000_000_000
"""set_on of a goal without one: last when newest come first."""
_EPOCH = dt.date(1970, 1, 1)
_EMPTY = np.empty(0, dtype=np.int32)

_ROW_COLUMNS = (
    SharedGoal.org_id,
    SharedGoal.goal_ref,
    SharedGoal.version,
    SharedGoal.withdrawn,
    SharedGoal.updated_at,
    SharedGoal.set_on,
    *(getattr(SharedGoal, name) for name in CODED_COLUMNS if name != "org_id"),
    SharedGoal.text,
    SharedGoal.search_words,
    SharedGoal.search_synonyms,
    SharedGoal.search_labels,
    SharedGoal.search_bigrams,
    SharedGoal.ingested_seq,
)


def goal_key(org_id: str, goal_ref: str) -> str:
    return f"{org_id}\x1f{goal_ref}"  # neither may hold a control character (events.py refuses them)


def split_key(key: str) -> tuple[str, str]:
    org_id, _, goal_ref = key.partition("\x1f")
    return org_id, goal_ref


def _prefix_of(bigram_term: str) -> str:
    """The first character of a bigram term, as `index_term` wrote it (ǁ<hex>ǁ for a symbol)."""
    if bigram_term.startswith(ESCAPE):
        return bigram_term[: bigram_term.index(ESCAPE, 1) + 1]
    return bigram_term[:1]


def idf(documents: int, matching: int) -> float:
    return math.log(1 + (documents - matching + 0.5) / (matching + 0.5))


@dataclass(frozen=True)
class Clause:
    """A (field, term) whose documents score `weight × idf` each."""

    field: str
    term: str
    weight: float


@dataclass(frozen=True)
class Page:
    """The keys of a page of goals, best first, their scores, and how many goals matched in all."""

    keys: list[tuple[str, str]]
    scores: list[float]
    total: int


@dataclass
class _Growing:
    """A numpy column that doubles when full."""

    dtype: Any
    fill: Any = 0
    values: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.values = np.full(1024, self.fill, dtype=self.dtype)

    def reserve(self, size: int) -> None:
        if size > len(self.values):
            grown = np.full(max(size, 2 * len(self.values)), self.fill, dtype=self.dtype)
            grown[: len(self.values)] = self.values
            self.values = grown


class GoalIndex:
    """One database's shared goals as this process knows them (see the module's docstring)."""

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}
        self.prefixes: dict[str, list[int]] = {}
        """First character → bigram terms that begin with it (one-character queries)."""
        self._base_offsets = np.zeros(1, dtype=np.int64)
        self._base_docs = _EMPTY
        self._delta: dict[int, array.array[int]] = {}
        self._delta_size = 0
        self.documents = 0
        """Numbers given out so far (dead ones included)."""
        self.alive_count = 0
        self.keys: list[str] = []
        self.number_of: dict[str, int] = {}
        self.version_of: dict[str, int] = {}
        self._alive = _Growing(np.bool_, False)
        self._columns = {name: _Growing(np.int32, -1) for name in CODED_COLUMNS}
        self._codes: dict[str, dict[str, int]] = {name: {} for name in CODED_COLUMNS}
        self._day = _Growing(np.int32, NULL_DAY)
        self._updated = _Growing(np.int64, 0)
        self._length = _Growing(np.int32, 0)
        self._total_length = 0
        self.watermark = 0
        """SQLite: the greatest `ingested_seq` read. PostgreSQL: the xmax of the snapshot last read under."""
        self.in_progress: list[int] = []
        """PostgreSQL: transactions in progress at that snapshot (their rows are read again next time)."""
        self.loaded = False
        self.load_seconds = 0.0
        self._lock = asyncio.Lock()

    # ---------------------------------------------------------------------------------------------- keeping in step

    async def sync(self, session: AsyncSession) -> int:
        """Read what was written since the last sync (everything, the first time); returns the rows read."""
        async with self._lock:
            started = time.monotonic()
            read = await self._catch_up(session)
            if not self.loaded:
                self.loaded = True
                self.load_seconds = time.monotonic() - started
            return read

    async def _catch_up(self, session: AsyncSession) -> int:
        on_postgresql = session.get_bind().dialect.name == "postgresql"
        if on_postgresql:
            snapshot = str(await session.scalar(text("SELECT pg_current_snapshot()::text")))
            _, xmax, listed = snapshot.split(":")
            new_state = (int(xmax), [int(xid) for xid in listed.split(",") if xid])
            since: ColumnElement[bool] = SharedGoal.ingested_seq >= self.watermark
            if self.in_progress:
                since = or_(since, SharedGoal.ingested_seq.in_(self.in_progress))
        else:
            top = int(await session.scalar(select(func.coalesce(func.max(SharedGoal.ingested_seq), 0))) or 0)
            if top < self.watermark:  # the store was emptied and refilled behind this index
                self._reset()
            new_state = (top, [])
            since = SharedGoal.ingested_seq > self.watermark
        if self.loaded and new_state == (self.watermark, self.in_progress):
            return 0  # nothing committed since the last look
        everything = self.watermark == 0 and not self.in_progress
        # Everything: in key order. What changed since: in stamp order, along ix_shared_goal_ingested_seq.
        order: tuple[Any, ...] = (SharedGoal.org_id, SharedGoal.goal_ref)
        if not everything:
            order = (SharedGoal.ingested_seq, *order)
        read = 0
        after: tuple[Any, ...] | None = None
        while True:
            query = select(*_ROW_COLUMNS).order_by(*order).limit(LOAD_CHUNK)
            if not everything:
                query = query.where(since)
            if after is not None:
                query = query.where(tuple_(*order) > tuple_(*(literal(value) for value in after)))
            rows = (await session.execute(query)).all()
            self.apply(rows)
            read += len(rows)
            if len(rows) < LOAD_CHUNK:
                break
            after = tuple(getattr(rows[-1], column.key) for column in order)
            await asyncio.sleep(0)  # let others run between chunks of a long load
        if self.documents - self.alive_count > max(RENUMBER_DEAD, self.alive_count // 4):
            self._renumber()
        elif read >= BULK_ROWS or self._delta_size > max(1_000_000, len(self._base_docs) // 4):
            self._merge()
        self.watermark, self.in_progress = new_state
        return read

    def _reset(self) -> None:
        fresh = GoalIndex()
        fresh._lock = self._lock
        self.__dict__.update(fresh.__dict__)

    def clear(self) -> None:
        """Forget every goal (the store was emptied in this process); the next sync reads the store again."""
        self._reset()

    def apply(self, rows: Sequence[Any]) -> None:
        """Rows of `shared_goal` as stored now: a tombstone leaves the index, an upsert replaces its goal."""
        for row in rows:
            key = goal_key(row.org_id, row.goal_ref)
            held = self.number_of.get(key)
            if row.withdrawn:
                if held is not None:
                    self._remove(key, held)
                continue
            if held is not None:
                if self.version_of[key] == row.version:
                    continue
                self._remove(key, held)
            self._add(key, row)

    def _remove(self, key: str, number: int) -> None:
        self._alive.values[number] = False
        self._total_length -= int(self._length.values[number])
        self.alive_count -= 1
        del self.number_of[key]
        del self.version_of[key]

    def _term_id(self, term: str) -> int:
        number = self.terms.get(term)
        if number is None:
            number = self.terms[term] = len(self.terms)
            if term[0] == "b":
                self.prefixes.setdefault(_prefix_of(term[1:]), []).append(number)
        return number

    def _add(self, key: str, row: Any) -> None:
        number = self.documents
        self.documents += 1
        for column in (self._alive, self._day, self._updated, self._length, *self._columns.values()):
            column.reserve(self.documents)
        self.keys.append(key)
        self.number_of[key] = number
        self.version_of[key] = row.version
        self._alive.values[number] = True
        self.alive_count += 1
        for name, column in self._columns.items():
            value = getattr(row, name)
            codes = self._codes[name]
            code = codes.get(value)
            if code is None:
                code = codes[value] = len(codes)
            column.values[number] = code
        self._day.values[number] = (row.set_on - _EPOCH).days if row.set_on is not None else NULL_DAY
        self._updated.values[number] = int(row.updated_at.timestamp() * 1_000_000)
        words, synonyms, labels, bigrams = row.search_words, row.search_synonyms, row.search_labels, row.search_bigrams
        if not (words or synonyms or bigrams) and row.text:  # stored before its terms were (PostgreSQL before 0006)
            analysed = index_goal(row.text, row.category, row.jsic_major, row.jsic_middle)
            words, synonyms, labels, bigrams = analysed.words, analysed.synonyms, analysed.labels, analysed.bigrams
        term_id = self._term_id
        delta = self._delta
        seen: set[int] = set()
        for prefix, terms in (("w", words), ("s", synonyms), ("l", labels), ("b", bigrams)):
            for term in terms.split():
                number_of_term = term_id(prefix + term)
                if number_of_term in seen:
                    continue
                seen.add(number_of_term)
                postings = delta.get(number_of_term)
                if postings is None:
                    postings = delta[number_of_term] = array.array("i")
                postings.append(number)
        self._delta_size += len(seen)
        self._length.values[number] = length = len(bigrams.split())
        self._total_length += length

    def _merge(self) -> None:
        """Fold the per-term arrays into the base, leaving dead documents out. Term by term, so that nothing but
        the new base is allocated (at 1M goals it holds some 50M postings)."""
        term_count = len(self.terms)
        base_offsets, base_docs, delta = self._base_offsets, self._base_docs, self._delta
        base_terms = len(base_offsets) - 1
        counts = np.zeros(term_count, dtype=np.int64)
        counts[:base_terms] = np.diff(base_offsets)
        for term, postings in delta.items():
            counts[term] += len(postings)
        offsets = np.zeros(term_count + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        docs = np.empty(int(offsets[-1]), dtype=np.int32)
        for term in range(term_count):
            at = int(offsets[term])
            if term < base_terms:
                start, end = int(base_offsets[term]), int(base_offsets[term + 1])
                docs[at : at + end - start] = base_docs[start:end]
                at += end - start
            if (recent := delta.get(term)) is not None:
                # Newer documents have greater numbers: each term's documents stay sorted.
                docs[at : at + len(recent)] = np.frombuffer(recent, dtype=np.int32)
        self._delta, self._delta_size = {}, 0
        del base_docs, delta
        alive = self._alive.values[docs]
        if not alive.all():
            alive_before = np.zeros(len(docs) + 1, dtype=np.int32)
            np.cumsum(alive, out=alive_before[1:])
            kept = alive_before[offsets[1:]] - alive_before[offsets[:-1]]
            docs = docs[alive]
            offsets = np.zeros(term_count + 1, dtype=np.int64)
            np.cumsum(kept, out=offsets[1:])
        self._base_docs, self._base_offsets = docs, offsets

    def _renumber(self) -> None:
        """Number the live documents afresh, 0 upwards in the same order, so that the dead ones (every change
        leaves one) stop taking room."""
        self._merge()
        size = self.documents
        alive = self._alive.values[:size]
        new_number = np.cumsum(alive, dtype=np.int64) - 1
        self._base_docs = new_number[self._base_docs].astype(np.int32)
        self.keys = [key for key, live in zip(self.keys, alive.tolist(), strict=True) if live]
        self.number_of = {key: number for number, key in enumerate(self.keys)}
        for column in (self._day, self._updated, self._length, *self._columns.values()):
            column.values = column.values[:size][alive].copy()
        self._alive.values = np.ones(len(self.keys), dtype=np.bool_)
        self.documents = len(self.keys)
        for column in (self._alive, self._day, self._updated, self._length, *self._columns.values()):
            column.reserve(self.documents + 1)

    # ---------------------------------------------------------------------------------------------- looking up

    def postings(self, field_name: str, term: str) -> np.ndarray:
        """The live documents that hold `term` in the field, sorted."""
        number = self.terms.get(_FIELD_PREFIX[field_name] + term)
        if number is None:
            return _EMPTY
        return self._postings_of(number)

    def _postings_of(self, number: int) -> np.ndarray:
        parts = []
        if number < len(self._base_offsets) - 1:
            parts.append(self._base_docs[self._base_offsets[number] : self._base_offsets[number + 1]])
        if (recent := self._delta.get(number)) is not None:
            parts.append(np.array(recent, dtype=np.int32))
        docs = np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else _EMPTY
        return docs[self._alive.values[docs]]

    def _mask(self, postings: Iterable[np.ndarray]) -> np.ndarray:
        mask = np.zeros(self.documents, dtype=np.bool_)
        for docs in postings:
            mask[docs] = True
        return mask

    def _word_mask(self, word: QueryWord, relaxed: bool) -> np.ndarray:
        """The documents one query word matches (see `QueryWord`)."""
        mask = np.zeros(self.documents, dtype=np.bool_)
        token_masks = [
            self._mask(
                [
                    *(self.postings(name, term) for term in token.terms for name in ("words", "labels")),
                    *(self.postings(name, term) for term in token.synonym_terms for name in ("synonyms", "labels")),
                ]
            )
            for token in word.tokens
        ]
        if token_masks:
            combined = token_masks[0]
            for other in token_masks[1:]:
                combined = (combined & other) if word.conjunctive else (combined | other)
            mask |= combined
        for term in word.curated_terms:
            mask[self.postings("synonyms", term)] = True
            mask[self.postings("labels", term)] = True
        if word.prefix:
            for number in self.prefixes.get(word.bigram_terms[0], []):
                mask[self._postings_of(number)] = True
        elif word.bigram_terms:
            bigram_masks = [self._mask([self.postings("bigrams", term)]) for term in word.bigram_terms]
            combined = bigram_masks[0]
            for other in bigram_masks[1:]:
                combined = (combined | other) if relaxed else (combined & other)
            mask |= combined
        return mask

    def _filter_mask(self, filters: GoalFilters) -> np.ndarray:
        size = self.documents
        mask = self._alive.values[:size].copy()
        for name in ("category", "jsic_major", "jsic_middle", "status", "business_form", "employee_band"):
            if (value := getattr(filters, name)) is not None:
                mask &= self._equal(name, value)
        if filters.org is not None:
            mask &= self._equal("org_id", filters.org)
        if filters.org_ids is not None:
            codes = [self._codes["org_id"][org] for org in filters.org_ids if org in self._codes["org_id"]]
            mask &= np.isin(self._columns["org_id"].values[:size], np.array(codes, dtype=np.int32))
        if filters.exclude_org is not None:
            mask &= ~self._equal("org_id", filters.exclude_org)
        days = self._day.values[:size]
        if filters.set_from is not None:
            mask &= days >= (filters.set_from - _EPOCH).days
        if filters.set_to is not None:
            mask &= (days <= (filters.set_to - _EPOCH).days) & (days != NULL_DAY)
        return mask

    def _equal(self, name: str, value: str) -> np.ndarray:
        code = self._codes[name].get(value)
        if code is None:
            return np.zeros(self.documents, dtype=np.bool_)
        return self._columns[name].values[: self.documents] == code

    @staticmethod
    def clauses(words: Sequence[QueryWord]) -> list[Clause]:
        found: dict[tuple[str, str], Clause] = {}
        for word in words:
            for term in word.terms:
                found.setdefault(("words", term), Clause("words", term, FIELD_WEIGHTS["words"]))
            for term in word.synonym_terms:
                found.setdefault(("synonyms", term), Clause("synonyms", term, FIELD_WEIGHTS["synonyms"]))
            for term in (*word.terms, *word.synonym_terms):
                found.setdefault(("labels", term), Clause("labels", term, FIELD_WEIGHTS["labels"]))
            if not word.prefix:
                for term in word.bigram_terms:
                    found.setdefault(("bigrams", term), Clause("bigrams", term, FIELD_WEIGHTS["bigrams"]))
        return list(found.values())

    def _scores(self, clauses: Sequence[Clause], docs: np.ndarray) -> np.ndarray:
        """Σ weight × idf of the clauses each of `docs` matches."""
        scores = np.zeros(self.documents, dtype=np.float64)
        for clause in clauses:
            postings = self.postings(clause.field, clause.term)
            if len(postings):
                scores[postings] += clause.weight * idf(self.alive_count, len(postings))
        # BM25's length factor for a term found once: a short goal that holds the words says more about them.
        average = self._total_length / self.alive_count if self.alive_count else 1.0
        lengths = self._length.values[docs]
        return scores[docs] * (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(average, 1.0)))

    def search(
        self,
        words: Sequence[QueryWord],
        filters: GoalFilters,
        limit: int,
        offset: int,
        *,
        relaxed: bool = False,
        prefix_words: bool = True,
    ) -> Page:
        """Goals matching every word, best first (then newest)."""
        mask = self._filter_mask(filters)
        for word in words:
            mask &= self._word_mask(word, relaxed)
        docs = np.flatnonzero(mask).astype(np.int32)
        scores = self._scores(self.clauses(words), docs)
        if prefix_words:
            for word in words:
                if word.prefix:
                    scores += FIELD_WEIGHTS["bigrams"] * PREFIX_IDF
        return self._page(docs, scores, limit, offset)

    def similar(
        self, words: Sequence[QueryWord], boost: Mapping[str, str], filters: GoalFilters, limit: int, offset: int
    ) -> Page:
        """Goals sharing any of the rarest terms of `words` (one phrase), scored by them and boosted for the same
        category and industry."""
        allowed = self._filter_mask(filters)
        candidates = [clause for clause in self.clauses(words) if clause.field in ("words", "synonyms")]
        # Rarest among the goals it may list (not the source's own organization): a term only the source holds
        # finds nothing.
        counted = [(int(allowed[self.postings(c.field, c.term)].sum()), c) for c in candidates]
        rarest = [clause for count, clause in sorted(counted, key=lambda item: item[0]) if count][:SIMILAR_TERMS]
        mask = allowed & self._mask(self.postings(c.field, c.term) for c in rarest)
        docs = np.flatnonzero(mask).astype(np.int32)
        scores = self._scores(rarest, docs)
        factor = np.ones(len(docs), dtype=np.float64)
        for name, extra in BOOSTS.items():
            if (value := boost.get(name)) and (code := self._codes[name].get(value)) is not None:
                factor += extra * (self._columns[name].values[docs] == code)
        return self._page(docs, scores * factor, limit, offset)

    def newest(self, filters: GoalFilters, limit: int, offset: int) -> Page:
        docs = np.flatnonzero(self._filter_mask(filters)).astype(np.int32)
        return self._page(docs, None, limit, offset)

    def _page(self, docs: np.ndarray, scores: np.ndarray | None, limit: int, offset: int) -> Page:
        levels = [self._day.values[docs], self._updated.values[docs]]
        if scores is not None:
            levels.insert(0, scores)
        wanted = offset + limit

        def key_at(position: int) -> str:
            return self.keys[int(docs[position])]

        chosen = _best(np.arange(len(docs)), levels, wanted, key_at)[offset:wanted]
        keys = [split_key(key_at(position)) for position in chosen]
        found_scores = [float(scores[position]) if scores is not None else 0.0 for position in chosen]
        return Page(keys, found_scores, len(docs))


def _best(positions: np.ndarray, levels: Sequence[np.ndarray], wanted: int, key_at: Callable[[int], str]) -> list[int]:
    """The `wanted` best of `positions`, in order: higher first at each level, then by key."""
    if wanted <= 0 or not len(positions):
        return []
    if not levels:
        return sorted(positions.tolist(), key=key_at)[:wanted]
    values = levels[0][positions]
    if len(positions) <= wanted:
        above, tied = positions, positions[:0]
    else:
        threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
        above, tied = positions[values > threshold], positions[values == threshold]
    ordered = sorted(above.tolist(), key=lambda p: (*(-level[p] for level in levels), key_at(p)))
    return ordered + _best(tied, levels[1:], wanted - len(ordered), key_at)
