from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    cast,
    column,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from banso_core.japanese import QueryWord
from exchange.goal_summary.analysis import IndexedTerms
from exchange.goal_summary.models import SharedGoal

if TYPE_CHECKING:
    from exchange.goal_summary.service import GoalFilters, IncomingSummary

_KEY = ("org_id", "goal_ref")
_PURGED_ON_WITHDRAWAL = {
    "org_name": "", "staff_name": "", "staff_handle": "", "business_form": "", "jsic_major": "",
    "jsic_middle": "", "employee_band": "", "set_on": None, "category": "", "text": "", "status": "",
    "achieved_on": None, "search_words": "", "search_synonyms": "", "search_labels": "", "search_bigrams": "",
    "search_vector": None,
}  # fmt: skip
# asyncpg allows 32,767 bind parameters per statement; a summary row takes 23.
ROWS_PER_STATEMENT = 1_000

FIELD_WEIGHTS = {"words": 1.0, "synonyms": 0.7, "labels": 0.4, "bigrams": 0.25}
"""How much a match in each field counts (BM25 column weights on SQLite, clause weights on PostgreSQL)."""
_TSVECTOR_WEIGHT = {"words": "A", "synonyms": "B", "labels": "C", "bigrams": "D"}
FTS_TABLE = "shared_goal_fts"
_FTS = table(FTS_TABLE, column("rowid"))
_BM25: ColumnElement[float] = literal_column(
    f"bm25({FTS_TABLE}, {', '.join(str(weight) for weight in FIELD_WEIGHTS.values())})"
)
DOCUMENT_FREQUENCY_SECONDS = 300.0
"""How long PostgreSQL's per-term document counts (for idf) are reused before they are counted again."""


def tsvector_literal(terms: IndexedTerms) -> str:
    """The PostgreSQL tsvector of a goal, written out (`'term':1A,4A …`) so that no text-search parser touches it."""
    positions: dict[str, list[str]] = {}
    position = 0
    for field_name, weight in _TSVECTOR_WEIGHT.items():
        for term in getattr(terms, field_name).split():
            position = min(position + 1, 16_383)
            positions.setdefault(term, []).append(f"{position}{weight}")
    return " ".join(f"'{term}':{','.join(places[:255])}" for term, places in positions.items())


def _fts_phrase(term: str, prefix: bool = False) -> str:
    return f'"{term}"' + ("*" if prefix else "")


def _fts_token(terms: Sequence[str], synonyms: Sequence[str]) -> str:
    alternatives = []
    if terms:
        alternatives.append("{search_words search_labels} : (" + " OR ".join(_fts_phrase(t) for t in terms) + ")")
    if synonyms:
        alternatives.append("{search_synonyms search_labels} : (" + " OR ".join(_fts_phrase(t) for t in synonyms) + ")")
    return "(" + " OR ".join(alternatives) + ")"


def fts_expression(words: Sequence[QueryWord], relaxed: bool = False) -> str:
    """The FTS5 MATCH expression: every query word must match (see `QueryWord`: its tokens, all for a compound
    or any for a phrase; a curated synonym group; or its bigrams — all of them, or any one when `relaxed`)."""
    clauses = []
    for word in words:
        alternatives = []
        tokens = [_fts_token(token.terms, token.synonym_terms) for token in word.tokens]
        if tokens:
            alternatives.append("(" + (" AND " if word.conjunctive else " OR ").join(tokens) + ")")
        if word.curated_terms:
            alternatives.append(_fts_token((), word.curated_terms))
        if word.bigram_terms:
            joiner = " OR " if relaxed else " AND "
            pieces = joiner.join(_fts_phrase(term, prefix=word.prefix) for term in word.bigram_terms)
            alternatives.append(f"search_bigrams : ({pieces})")
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses)


def _ts_lexeme(term: str, weights: str, prefix: bool = False) -> str:
    return f"'{term}':{'*' if prefix else ''}{weights}"


def _ts_token(terms: Sequence[str], synonyms: Sequence[str]) -> str:
    lexemes = [_ts_lexeme(term, "AC") for term in terms] + [_ts_lexeme(term, "BC") for term in synonyms]
    return "(" + " | ".join(lexemes) + ")"


def tsquery_expression(words: Sequence[QueryWord], relaxed: bool = False) -> str:
    """The same match as `fts_expression`, as a PostgreSQL tsquery over the weighted tsvector."""
    clauses = []
    for word in words:
        alternatives = []
        tokens = [_ts_token(token.terms, token.synonym_terms) for token in word.tokens]
        if tokens:
            alternatives.append("(" + (" & " if word.conjunctive else " | ").join(tokens) + ")")
        if word.curated_terms:
            alternatives.append(_ts_token((), word.curated_terms))
        if word.bigram_terms:
            joiner = " | " if relaxed else " & "
            alternatives.append(
                "(" + joiner.join(_ts_lexeme(term, "D", word.prefix) for term in word.bigram_terms) + ")"
            )
        clauses.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(clauses)


@dataclass(frozen=True)
class ScoreClause:
    """One part of PostgreSQL's score: `weight × idf` when the goal matches `tsquery`."""

    tsquery: str
    weight: float
    idf_of: str | None = None
    """The tsquery whose document frequency gives the idf; None: a fixed idf of 2."""


def score_clauses(words: Sequence[QueryWord], relaxed: bool = False) -> list[ScoreClause]:
    clauses: dict[str, ScoreClause] = {}
    for word in words:
        for term in word.terms:
            query = _ts_lexeme(term, "A")
            clauses[query] = ScoreClause(query, FIELD_WEIGHTS["words"], query)
        for term in word.synonym_terms:
            query = _ts_lexeme(term, "B")
            clauses[query] = ScoreClause(query, FIELD_WEIGHTS["synonyms"], query)
        label_terms = [_ts_lexeme(term, "C") for term in (*word.terms, *word.synonym_terms)]
        if label_terms:
            query = " | ".join(label_terms)
            clauses[query] = ScoreClause(query, FIELD_WEIGHTS["labels"])
        if word.bigram_terms:
            joiner = " | " if relaxed else " & "
            query = joiner.join(_ts_lexeme(term, "D", word.prefix) for term in word.bigram_terms)
            clauses[query] = ScoreClause(query, FIELD_WEIGHTS["bigrams"])
    return list(clauses.values())


_rows_written = 0
"""Goal rows this process has written: a count older than a twentieth of the goals written since is counted again."""


class DocumentFrequencies:
    """Per-term document counts on PostgreSQL, for idf: counted through the GIN index, reused for a while
    (they change slowly, and only the ranking depends on them) unless this process has since written many goals."""

    def __init__(self, ttl_seconds: float = DOCUMENT_FREQUENCY_SECONDS, max_terms: int = 100_000) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_terms = max_terms
        self._counts: dict[str, tuple[float, int, int]] = {}

    def _fresh(self, held: tuple[float, int, int] | None, now: float) -> bool:
        if held is None or now - held[0] >= self.ttl_seconds:
            return False
        documents = self._counts.get("", (0.0, 0, 0))[2]
        return _rows_written - held[1] <= documents // 20

    async def _count(self, session: AsyncSession, key: str, condition: ColumnElement[bool]) -> int:
        now = time.monotonic()
        held = self._counts.get(key)
        if held is not None and self._fresh(held, now):
            return held[2]
        written = _rows_written
        counted = int(await session.scalar(select(func.count()).select_from(SharedGoal).where(condition)) or 0)
        if len(self._counts) >= self.max_terms:
            self._counts.clear()
        self._counts[key] = (now, written, counted)
        return counted

    async def idf(self, session: AsyncSession, tsquery: str) -> float:
        documents = await self._count(session, "", ~SharedGoal.withdrawn)
        matching = await self._count(
            session, tsquery, SharedGoal.search_vector.op("@@")(cast(literal(tsquery), TSQUERY))
        )
        # Counts taken at different times may disagree: an idf is never below that of a term in every goal.
        return math.log(1 + (max(documents - matching, 0) + 0.5) / (matching + 0.5))


@dataclass(frozen=True)
class TextMatch:
    """How a search matches text: the query words, and whether their bigrams are relaxed to any-of."""

    words: Sequence[QueryWord]
    relaxed: bool = False
    boost: Mapping[str, str] | None = None
    """Fields of a goal that multiply its score when equal (category, jsic_major, jsic_middle), for "similar"."""


BOOSTS = {"category": 0.5, "jsic_middle": 0.3, "jsic_major": 0.2}
"""Score multipliers of "similar" for the same category and industry (added to 1)."""


class SharedGoalRepository:
    def __init__(self) -> None:
        self.document_frequencies = DocumentFrequencies()

    async def upsert_newest(
        self,
        session: AsyncSession,
        summaries: Sequence[IncomingSummary],
        terms: Mapping[tuple[str, str], IndexedTerms],
    ) -> None:
        """One statement per batch; each row replaces the stored one only if it supersedes it."""
        if not summaries:
            return
        names = [field.name for field in dataclasses.fields(summaries[0])]  # asdict() deep-copies: slow
        on_postgresql = session.get_bind().dialect.name == "postgresql"
        rows: list[dict[str, Any]] = []
        for summary in summaries:
            row = {name: getattr(summary, name) for name in names}
            if summary.withdrawn:
                row |= _PURGED_ON_WITHDRAWAL
            else:
                indexed = terms[summary.key]
                if on_postgresql:
                    row |= dict.fromkeys(indexed.fields(), "") | {"search_vector": tsvector_literal(indexed)}
                else:
                    row |= indexed.fields() | {"search_vector": None}
            rows.append(row)
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            await self._upsert_rows(session, rows[start : start + ROWS_PER_STATEMENT])

    async def _upsert_rows(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        global _rows_written
        _rows_written += len(rows)
        # executemany of one cached statement: a multi-VALUES statement is compiled afresh for every batch size.
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = insert(SharedGoal)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={name: excluded[name] for name in rows[0] if name not in _KEY} | {"ingested_at": func.now()},
            where=or_(
                excluded.version > SharedGoal.version,
                and_(excluded.version == SharedGoal.version, excluded.withdrawn, ~SharedGoal.withdrawn),
            ),
        )
        await session.execute(statement, rows)

    @staticmethod
    def _filtered(query: Select[Any], filters: GoalFilters) -> Select[Any]:
        query = query.where(~SharedGoal.withdrawn)
        for name in ("category", "jsic_major", "jsic_middle", "status", "business_form", "employee_band"):
            if (value := getattr(filters, name)) is not None:
                query = query.where(getattr(SharedGoal, name) == value)
        if filters.org is not None:
            query = query.where(SharedGoal.org_id == filters.org)
        if filters.org_ids is not None:
            query = query.where(SharedGoal.org_id.in_(filters.org_ids) if filters.org_ids else ~true())
        if filters.exclude_org is not None:
            query = query.where(SharedGoal.org_id != filters.exclude_org)
        if filters.set_from is not None:
            query = query.where(SharedGoal.set_on >= filters.set_from)
        if filters.set_to is not None:
            query = query.where(SharedGoal.set_on <= filters.set_to)
        return query

    @staticmethod
    def _newest_first(query: Select[Any]) -> Select[Any]:
        return query.order_by(
            SharedGoal.set_on.desc().nulls_last(), SharedGoal.updated_at.desc(), SharedGoal.org_id, SharedGoal.goal_ref
        )

    async def list_newest(
        self, session: AsyncSession, filters: GoalFilters, limit: int, offset: int
    ) -> tuple[list[tuple[SharedGoal, float]], int]:
        total = await session.scalar(self._filtered(select(func.count()).select_from(SharedGoal), filters)) or 0
        query = self._newest_first(self._filtered(select(SharedGoal), filters)).limit(limit).offset(offset)
        return [(goal, 0.0) for goal in (await session.scalars(query)).all()], total

    async def search(
        self, session: AsyncSession, match: TextMatch, filters: GoalFilters, limit: int, offset: int
    ) -> tuple[list[tuple[SharedGoal, float]], int]:
        """Goals matching the text, best first (then newest), with their scores (higher is better)."""
        if session.get_bind().dialect.name == "postgresql":
            return await self._search_postgresql(session, match, filters, limit, offset)
        return await self._search_sqlite(session, match, filters, limit, offset)

    def _boost_factor(self, boost: Mapping[str, str] | None) -> ColumnElement[float] | None:
        if not boost:
            return None
        factor: ColumnElement[float] = literal(1.0)
        for name, extra in BOOSTS.items():
            if value := boost.get(name):
                factor = factor + case((getattr(SharedGoal, name) == value, extra), else_=0.0)
        return factor

    async def _search_sqlite(
        self, session: AsyncSession, match: TextMatch, filters: GoalFilters, limit: int, offset: int
    ) -> tuple[list[tuple[SharedGoal, float]], int]:
        matching = literal_column(FTS_TABLE).op("MATCH")(
            bindparam("fts_match", fts_expression(match.words, match.relaxed))
        )
        # The index drives: its hits are materialised first, then looked up by rowid and filtered. A plain join
        # lets the planner walk shared_goal and probe the index once per row.
        hits = select(_FTS.c.rowid, _BM25.label("rank")).where(matching).cte("hits").prefix_with("MATERIALIZED")
        joined = hits.c.rowid == literal_column("shared_goal.rowid")

        def over_index(query: Select[Any]) -> Select[Any]:
            filtered: Select[Any] = self._filtered(query.select_from(hits).join(SharedGoal, joined), filters)
            return filtered

        # bm25() is negative, lower being better; the score shown is its opposite.
        factor = self._boost_factor(match.boost)
        score = -hits.c.rank * factor if factor is not None else -hits.c.rank
        return await self._page(session, over_index, score, limit, offset)

    async def _page(
        self,
        session: AsyncSession,
        over_index: Callable[[Select[Any]], Select[Any]],
        score: ColumnElement[float],
        limit: int,
        offset: int,
    ) -> tuple[list[tuple[SharedGoal, float]], int]:
        """The page of best-scored goals and, by a window count, the total; only a page past the end counts again.
        Goals are ranked by key and score alone and only the page's rows are read whole: carrying every hit's
        text and index through the count and the sort cost more than the scoring."""
        keys_and_scores: Any = select(
            SharedGoal.org_id,
            SharedGoal.goal_ref,
            SharedGoal.set_on,
            SharedGoal.updated_at,
            score.label("score"),
            func.count().over().label("total"),
        )
        ranked = over_index(keys_and_scores)
        page = self._newest_first(ranked.order_by(score.desc())).limit(limit).offset(offset).subquery("page")
        query = (
            select(SharedGoal, page.c.score, page.c.total)
            .join(page, and_(SharedGoal.org_id == page.c.org_id, SharedGoal.goal_ref == page.c.goal_ref))
            .order_by(
                page.c.score.desc(),
                page.c.set_on.desc().nulls_last(),
                page.c.updated_at.desc(),
                page.c.org_id,
                page.c.goal_ref,
            )
        )
        rows = (await session.execute(query)).all()
        total = int(rows[0][2]) if rows else int(await session.scalar(over_index(select(func.count()))) or 0)
        return [(goal, float(found_score)) for goal, found_score, _ in rows], total

    async def _search_postgresql(
        self, session: AsyncSession, match: TextMatch, filters: GoalFilters, limit: int, offset: int
    ) -> tuple[list[tuple[SharedGoal, float]], int]:
        tsquery = tsquery_expression(match.words, match.relaxed)
        matching = SharedGoal.search_vector.op("@@")(cast(bindparam("tsquery", tsquery), TSQUERY))

        def over_index(query: Select[Any]) -> Select[Any]:
            filtered: Select[Any] = self._filtered(query.where(matching), filters)
            return filtered

        parts: list[ColumnElement[float]] = []
        for number, clause in enumerate(score_clauses(match.words, match.relaxed)):
            idf = await self.document_frequencies.idf(session, clause.idf_of) if clause.idf_of else 2.0
            clause_query = cast(bindparam(f"clause_{number}", clause.tsquery), TSQUERY)
            parts.append(case((SharedGoal.search_vector.op("@@")(clause_query), clause.weight * idf), else_=0.0))
        score: ColumnElement[float] = sum(parts[1:], parts[0]) if parts else literal(0.0)
        factor = self._boost_factor(match.boost)
        if factor is not None:
            score = score * factor
        return await self._page(session, over_index, score, limit, offset)

    async def get(self, session: AsyncSession, org_id: str, goal_ref: str) -> SharedGoal | None:
        return await session.get(SharedGoal, (org_id, goal_ref))

    async def delete_all(self, session: AsyncSession) -> int:
        """Empty the store (the rebuild's first step); the FTS triggers empty the index with it."""
        result = await session.execute(delete(SharedGoal))
        return int(getattr(result, "rowcount", 0) or 0)

    async def count(self, session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(SharedGoal)) or 0)
