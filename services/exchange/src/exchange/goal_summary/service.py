from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import NotFound
from banso_core.japanese import (
    QueryToken,
    QueryWord,
    Token,
    analyse_query,
    analyse_text,
    curated_synonyms,
    fold,
    index_term,
)
from exchange.goal_summary.analysis import IndexedTerms, index_goal, index_goals
from exchange.goal_summary.index import GoalIndex, Page
from exchange.goal_summary.models import SharedGoal
from exchange.goal_summary.repository import SharedGoalRepository
from exchange.goal_summary.schemas import Highlight, SearchParams, SimilarParams

MAX_SIMILAR_TERMS = 24
"""Content terms of a goal that "similar" weighs (a 400-character goal has a few dozen); it looks for the rarest."""


@dataclass(frozen=True, slots=True)
class IncomingSummary:
    """A summary as received, already checked against its subject."""

    org_id: str
    goal_ref: str
    version: int
    withdrawn: bool
    updated_at: dt.datetime
    org_name: str = ""
    staff_name: str = ""
    staff_handle: str = ""
    business_form: str = ""
    jsic_major: str = ""
    jsic_middle: str = ""
    employee_band: str = ""
    set_on: dt.date | None = None
    category: str = ""
    text: str = ""
    status: str = ""
    achieved_on: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.org_id, self.goal_ref)

    def supersedes(self, other: IncomingSummary) -> bool:
        """Higher version wins; at the same version a tombstone wins over an upsert."""
        return (self.version, self.withdrawn) > (other.version, other.withdrawn)


def newest_per_goal(summaries: Iterable[IncomingSummary]) -> list[IncomingSummary]:
    newest: dict[tuple[str, str], IncomingSummary] = {}
    for summary in summaries:
        held = newest.get(summary.key)
        if held is None or summary.supersedes(held):
            newest[summary.key] = summary
    return list(newest.values())


@dataclass(frozen=True)
class GoalFilters:
    """Fields a search narrows by; None: any. `org_ids` is what `org_kind` resolves to (None: no such filter)."""

    category: str | None = None
    jsic_major: str | None = None
    jsic_middle: str | None = None
    status: str | None = None
    business_form: str | None = None
    employee_band: str | None = None
    org: str | None = None
    org_ids: frozenset[str] | None = None
    exclude_org: str | None = None
    set_from: dt.date | None = None
    set_to: dt.date | None = None


@dataclass(frozen=True)
class FoundGoal:
    """A goal as a search or "similar" finds it: the stored summary, its score, and why it was found."""

    goal: SharedGoal
    score: float
    highlights: list[Highlight]
    matched_terms: list[str]
    same_category: bool = False
    same_industry: bool = False


def highlight(text: str, words: Sequence[QueryWord]) -> tuple[list[Highlight], list[str]]:
    """Spans of `text` that a query's words matched (by normalised form, synonym group or as a string), and the
    matched surface forms in order of appearance."""
    wanted_terms = {term for word in words for term in word.terms}
    wanted_synonyms = {term for word in words for term in word.synonym_terms}
    spans: list[tuple[int, int]] = []
    for token in analyse_text(text):
        if token.normalised in wanted_terms or wanted_terms.intersection(token.parts):
            spans.append((token.start, token.end))
        elif wanted_synonyms.intersection(token.synonyms):
            spans.append((token.start, token.end))
    folded = fold(text)
    if len(folded) == len(text):  # offsets in the folded text are offsets in the text
        for start, end, group in curated_synonyms().find(folded):
            if f"cg{group}" in wanted_synonyms:
                spans.append((start, end))
        for word in words:
            needle = fold(word.text)
            if not needle or len(needle) > 64:
                continue
            position = folded.find(needle)
            while position != -1:
                spans.append((position, position + len(needle)))
                position = folded.find(needle, position + 1)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    highlights = [Highlight(start=start, end=end, text=text[start:end]) for start, end in merged]
    return highlights, list(dict.fromkeys(item.text for item in highlights))


def similarity_word(text: str, tokens: Sequence[Token]) -> QueryWord:
    """A goal's text as one phrase to look for: any of its content words, synonym groups or curated groups."""
    query_tokens: dict[str, QueryToken] = {}
    for token in tokens:
        if token.normalised not in query_tokens and len(query_tokens) < MAX_SIMILAR_TERMS:
            query_tokens[token.normalised] = QueryToken((index_term(token.normalised),), token.synonyms)
    curated = tuple(dict.fromkeys(f"cg{group}" for _, _, group in curated_synonyms().find(fold(text))))
    return QueryWord(text, tuple(query_tokens.values()), False, curated, ())


class GoalSummaryService:
    def __init__(self) -> None:
        self.shared_goals = SharedGoalRepository()
        self.indexes: dict[str, GoalIndex] = {}
        """One in-memory index per database this process uses, by URL."""

    def index_of(self, session: AsyncSession) -> GoalIndex:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        index = self.indexes.get(url)
        if index is None:
            index = self.indexes[url] = GoalIndex()
        return index

    async def synced_index(self, session: AsyncSession) -> GoalIndex:
        """The index of the session's database, with every write committed so far (loaded the first time)."""
        index = self.index_of(session)
        await index.sync(session)
        return index

    async def analyse(
        self, summaries: Sequence[IncomingSummary], pool: Executor | None = None, workers: int = 1
    ) -> dict[tuple[str, str], IndexedTerms]:
        """The index terms of each summary to store (Sudachi: CPU-bound). With `pool`, the batch is shared out
        among its `workers` processes, so that analysis uses every core while this process waits."""
        goals = [s for s in newest_per_goal(summaries) if not s.withdrawn]
        inputs = [(s.text, s.category, s.jsic_major, s.jsic_middle) for s in goals]
        if pool is None or len(goals) < 2 * workers:
            return {s.key: index_goal(*goal) for s, goal in zip(goals, inputs, strict=True)}
        loop = asyncio.get_running_loop()
        size = -(-len(inputs) // workers)
        parts = await asyncio.gather(
            *(
                loop.run_in_executor(pool, index_goals, inputs[start : start + size])
                for start in range(0, len(inputs), size)
            )
        )
        return {s.key: terms for s, terms in zip(goals, (t for part in parts for t in part), strict=True)}

    async def ingest(
        self,
        session: AsyncSession,
        summaries: Sequence[IncomingSummary],
        terms: dict[tuple[str, str], IndexedTerms] | None = None,
    ) -> None:
        """Apply a batch idempotently: older versions never overwrite newer ones, tombstones purge. `terms`:
        from `analyse`, done before the session began (else analysed here)."""
        newest = newest_per_goal(summaries)
        if terms is None:
            terms = await self.analyse(newest)
        await self.shared_goals.upsert_newest(session, newest, terms)

    async def clear(self, session: AsyncSession) -> int:
        """Empty the store (a rebuild's first step)."""
        deleted = await self.shared_goals.delete_all(session)
        self.index_of(session).clear()
        return deleted

    async def _found(self, session: AsyncSession, page: Page) -> list[tuple[SharedGoal, float]]:
        """The page's stored rows, in the page's order (a goal withdrawn since the index looked is left out)."""
        rows = await self.shared_goals.get_many(session, page.keys)
        found = []
        for key, score in zip(page.keys, page.scores, strict=True):
            goal = rows.get(key)
            if goal is not None and not goal.withdrawn:
                found.append((goal, score))
        return found

    async def search(
        self, session: AsyncSession, params: SearchParams, org_ids: frozenset[str] | None = None
    ) -> tuple[list[FoundGoal], int]:
        """Words in 目標 with filters, best match first; an empty query (or one of only spaces) lists by the
        filters, newest first. When every word must match nothing, the words' bigrams are relaxed to any-of
        (a typo still finds its goal)."""
        filters = GoalFilters(
            category=params.category,
            jsic_major=params.jsic_major,
            jsic_middle=params.jsic_middle,
            status=params.status,
            business_form=params.business_form,
            employee_band=params.employee_band,
            org=params.org,
            org_ids=org_ids,
            set_from=params.set_from,
            set_to=params.set_to,
        )
        words = analyse_query(params.q)
        if params.q.strip() and not words:
            return [], 0
        index = await self.synced_index(session)
        if not params.q.strip():
            page = index.newest(filters, params.limit, params.offset)
            return [FoundGoal(goal, score, [], []) for goal, score in await self._found(session, page)], page.total
        page = index.search(words, filters, params.limit, params.offset)
        if not page.total and any(len(word.bigram_terms) > 1 for word in words):
            page = index.search(words, filters, params.limit, params.offset, relaxed=True)
        results = []
        for goal, score in await self._found(session, page):
            spans, matched = highlight(goal.text, words)
            results.append(FoundGoal(goal, score, spans, matched))
        return results, page.total

    async def similar(
        self, session: AsyncSession, org_id: str, goal_ref: str, params: SimilarParams
    ) -> tuple[list[FoundGoal], int]:
        """More like this: goals of *other* organizations ranked by shared words and synonyms (the source's
        rarest), boosted for the same category and industry; each with the words it shares."""
        source = await self.shared_goals.get(session, org_id, goal_ref)
        if source is None or source.withdrawn:
            raise NotFound(f"no shared goal {goal_ref!r} of organization {org_id!r}")
        tokens = analyse_text(source.text)
        word = similarity_word(source.text, tokens)
        boost = {"category": source.category, "jsic_major": source.jsic_major, "jsic_middle": source.jsic_middle}
        filters = GoalFilters(category=params.category, status=params.status, exclude_org=org_id)
        index = await self.synced_index(session)
        if not word.tokens and not word.curated_terms:
            filters = GoalFilters(category=params.category or source.category, status=params.status, exclude_org=org_id)
            page = index.newest(filters, params.limit, params.offset)
        else:
            page = index.similar([word], boost, filters, params.limit, params.offset)
        results = []
        for goal, score in await self._found(session, page):
            spans, matched = highlight(goal.text, [word])
            results.append(
                FoundGoal(
                    goal,
                    score,
                    spans,
                    matched,
                    same_category=bool(source.category) and goal.category == source.category,
                    same_industry=bool(source.jsic_major) and goal.jsic_major == source.jsic_major,
                )
            )
        return results, page.total


goal_summary_service = GoalSummaryService()
