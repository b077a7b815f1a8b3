"""The in-memory search index (goal_summary/index.py): another process sharing the database sees every committed
write, a withdrawal leaves the writer's searches at once, and an index kept in step equals a fresh load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banso_core.japanese import QueryToken, QueryWord
from exchange.goal_summary.analysis import index_goal
from exchange.goal_summary.index import GoalIndex
from exchange.goal_summary.schemas import SearchParams
from exchange.goal_summary.service import GoalFilters, goal_summary_service

pytestmark = pytest.mark.postgres


async def keys_found(index: GoalIndex, store, q: str) -> list[str]:
    """What `index`, kept in step with the store, finds for `q` (as a second process would), by key."""
    async with store.database.session(read_only=True) as session:
        await index.sync(session)
    words = [QueryWord(q, (QueryToken((q,), ()),), True, (), ())]
    return sorted(goal_ref for _, goal_ref in index.search(words, GoalFilters(), 100, 0).keys)


async def test_a_second_process_sees_every_committed_write(store):
    other = GoalIndex()  # another exchange process's index on the same database
    await store.ingest([store.incoming("a", text="サウナ棟の新設"), store.incoming("b", text="サウナの改装")])
    assert await keys_found(other, store, "サウナ") == ["a", "b"]

    await store.ingest([store.incoming("c", text="サウナの増設"), store.incoming("a", version=2, text="客室の改装")])
    await store.ingest([store.incoming("b", version=1, withdrawn=True)])
    assert await keys_found(other, store, "サウナ") == ["c"]
    assert await keys_found(other, store, "客室") == ["a"]


async def test_a_write_committed_after_a_sync_began_is_read_by_the_next(store):
    other = GoalIndex()
    await keys_found(other, store, "サウナ")
    async with store.database.session() as writer:
        await goal_summary_service.ingest(writer, [store.incoming("late", text="サウナ棟の新設")])
        assert await keys_found(other, store, "サウナ") == []  # not committed yet
        await writer.commit()
    assert await keys_found(other, store, "サウナ") == ["late"]


async def test_a_withdrawal_leaves_the_writers_searches_at_once(store):
    await store.ingest([store.incoming("w1", text="ホームページの刷新"), store.incoming("w2", text="ウェブサイト刷新")])

    async def found() -> list[str]:
        async with store.database.session(read_only=True) as session:
            items, total = await goal_summary_service.search(session, SearchParams(q="ホームページ"))
        assert total == len(items)
        return [item.goal.goal_ref for item in items]

    assert sorted(await found()) == ["w1", "w2"]
    await store.ingest([store.incoming("w1", version=2, withdrawn=True)])
    assert await found() == ["w2"]


# ------------------------------------------------------------------------------------------------ kept in step


@dataclass(frozen=True)
class Row:
    """A `shared_goal` row as the index reads it."""

    org_id: str
    goal_ref: str
    version: int
    withdrawn: bool
    search_words: str
    set_on: dt.date | None
    category: str
    updated_at: dt.datetime = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    jsic_major: str = "M"
    jsic_middle: str = "75"
    status: str = "in_progress"
    business_form: str = ""
    employee_band: str = ""
    text: str = "x"
    search_synonyms: str = ""
    search_labels: str = ""
    search_bigrams: str = "xx"
    ingested_seq: int = 0


WORDS = ["sauna", "camp", "web", "export", "heir"]
writes = st.lists(
    st.tuples(
        st.sampled_from(["g1", "g2", "g3", "g4", "g5", "g6"]),
        st.booleans(),  # withdrawn
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
        st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2025, 1, 5))),
        st.sampled_from(["new_product", "succession"]),
        st.sampled_from(["", "merge", "renumber"]),  # after this write: fold postings, or number afresh
    ),
    max_size=40,
)


def answers(index: GoalIndex) -> list[object]:
    everyone = GoalFilters()
    found: list[object] = [index.newest(everyone, 100, 0), index.newest(GoalFilters(category="succession"), 2, 1)]
    for word in WORDS:
        page = index.search([QueryWord(word, (QueryToken((word,), ()),), True, (), ())], everyone, 100, 0)
        found.append((page.keys, [round(score, 9) for score in page.scores], page.total))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=writes)
def test_an_index_kept_in_step_equals_a_fresh_load(writes):
    live = GoalIndex()
    stored: dict[str, Row] = {}
    versions: dict[str, int] = {}
    for goal_ref, withdrawn, words, set_on, category, then in writes:
        versions[goal_ref] = versions.get(goal_ref, 0) + 1
        row = Row("org", goal_ref, versions[goal_ref], withdrawn, " ".join(words), set_on, category)
        stored[goal_ref] = row
        live.apply([row])
        if then == "merge":
            live._merge()
        elif then == "renumber":
            live._renumber()
    fresh = GoalIndex()
    fresh.apply(sorted(stored.values(), key=lambda row: row.goal_ref))
    assert live.alive_count == fresh.alive_count == sum(not row.withdrawn for row in stored.values())
    assert answers(live) == answers(fresh)


async def test_an_exchange_with_analysis_processes_ingests_as_one_without(start_exchange, wire, store):
    refs = [wire.new_ref() for _ in range(6)]
    for number, ref in enumerate(refs):
        await wire.publish(wire.summary(ref, text=f"サウナ棟の新設 第{number}期"))
    exchange = await start_exchange(analysis_workers=2)  # its first batch holds all six: shared out to both
    await wire.settled()
    assert sorted(await exchange.refs(q="サウナ")) == sorted(refs)
    stored = {row.goal_ref: row.search_words for row in await store.rows()}
    assert stored[refs[0]] == index_goal("サウナ棟の新設 第0期", "new_product", "M", "75").words
