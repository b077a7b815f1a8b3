"""The register analytics keeps in memory: an upsert replaces the business-quarter's row, a tombstone retires it,
an older version changes nothing; and the means counted column-wise equal a plain math.fsum over the records."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.db import MIGRATIONS
from analytics.outcome_record.events import decode_outcome_record
from analytics.outcome_record.repository import OutcomeRecordRepository
from analytics.outcome_record.service import outcome_record_service
from analytics.tables.definitions import TABLES
from analytics.tables.disclosure import TOTAL, Fact
from analytics.tables.register import KeptRegister, kept_register
from analytics.tables.service import compute, table_service
from banso_core.db import Database
from banso_core.messaging import outcome_subject
from banso_core.testing.servers import eventually

from .conftest import KANAZAWA, outcome_record


def sessions_of(kept: KeptRegister) -> dict[tuple[str, ...], float]:
    cells = compute(TABLES["org-vs-prefecture"], kept.register(), 1)
    return {dims: cell.sums["sessions"] for (_, dims), cell in cells.items()}


def record(sessions: int, **fields) -> dict:
    return {"jsic_major": "E", "counts": {"sessions_by_approach": {"listening": sessions}}, **fields}


def test_an_upsert_replaces_the_quarter_a_tombstone_retires_it_and_an_older_version_is_ignored():
    kept = KeptRegister()
    kept.apply(("A", "r1", 2025, 1), 1, False, record(2))
    kept.apply(("A", "r2", 2025, 1), 1, False, record(3))
    kept.apply(("B", "r3", 2025, 2), 1, False, record(4))
    assert sessions_of(kept) == {("A",): 5, ("B",): 4, (TOTAL,): 9}
    kept.apply(("A", "r1", 2025, 1), 3, False, record(10))  # replaces r1's quarter
    kept.apply(("A", "r1", 2025, 1), 2, False, record(99))  # older than what is held: nothing
    assert sessions_of(kept) == {("A",): 13, ("B",): 4, (TOTAL,): 17}
    kept.apply(("B", "r3", 2025, 2), 1, True, {})  # a tombstone at the same version wins
    assert sessions_of(kept) == {("A",): 13, (TOTAL,): 13}
    assert len(kept.register()) == 2


def test_rows_replaced_many_times_are_left_out_and_what_remains_is_unchanged():
    kept = KeptRegister()
    for version in range(1, 40):
        for ref in ("r1", "r2", "r3"):
            kept.apply(("A", ref, 2025, 1), version, False, record(version, plan_themes=["sales"]))
            kept.register()  # a snapshot after each change: old rows are dropped once they outnumber the rest
    kept.apply(("A", "r4", 2025, 2), 1, False, record(1, sales_yoy_percent=2.5))
    assert sessions_of(kept) == {("A",): 3 * 39 + 1, (TOTAL,): 3 * 39 + 1}
    register = kept.register()
    assert len(register) == 4 and register.themes.codes == ("sales",) and len(register.themes.record) == 3
    assert math.isnan(register.figures["sales_yoy_percent"][0]) and register.figures["sales_yoy_percent"][3] == 2.5


FIGURE = st.one_of(
    st.none(),
    st.integers(-500, 500).map(lambda tenths: tenths / 10),  # sums landing on x.x5 are common
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(-1e-3, 1e-3, allow_nan=False),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    figures=st.lists(st.tuples(st.integers(0, 9), st.integers(1, 4), FIGURE), min_size=1, max_size=60),
    k=st.sampled_from([1, 2, 3]),
)
def test_means_equal_a_plain_fsum_over_the_records_with_k_businesses(figures, k):
    facts, seen = [], set()
    for business, quarter, value in figures:
        if (business, quarter) not in seen:
            seen.add((business, quarter))
            facts.append(Fact(len(facts), business, "AB"[business % 2], 2025, quarter, "E",
                              counts={"sessions_by_approach": {"listening": 1}},
                              figures={"sales_yoy_percent": value}))  # fmt: skip
    cells = compute(TABLES["org-vs-prefecture"], facts, k)
    for (_, (org,)), cell in cells.items():
        counted = [
            fact for fact in facts if org in (TOTAL, fact.org_id) and fact.figures["sales_yoy_percent"] is not None
        ]
        values = [fact.figures["sales_yoy_percent"] for fact in counted]
        expected = (
            round(math.fsum(values) / len(values), 1) + 0.0 if len({fact.business for fact in counted}) >= k else None
        )
        assert cell.means["sales_yoy_percent"] == expected


@pytest.mark.postgres
async def test_records_committed_in_this_process_reach_the_kept_register_without_reading_the_store(
    database_url, monkeypatch
):
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with database.session() as session:
            assert len(await table_service.current(session)) == 0  # read once: the register is kept from now on
        reads = []
        every_row = OutcomeRecordRepository.every_row

        async def counted(self, session):
            reads.append(session)
            return await every_row(self, session)

        monkeypatch.setattr(OutcomeRecordRepository, "every_row", counted)
        message = outcome_record("r1", sessions_by_approach={"listening": 3})
        async with database.session() as session:
            subject = outcome_subject(KANAZAWA, "r1", 2025, 1)
            await outcome_record_service.ingest(session, [decode_outcome_record(subject, message.SerializeToString())])
            await session.commit()
        async with database.session() as session:
            register = await table_service.current(session)
            assert kept_register(session).batches == await OutcomeRecordRepository().batches(session) == 1
        assert len(register) == 1 and register.counts["sessions_by_approach"].count.tolist() == [3]
        assert reads == []
    finally:
        await database.close()


@pytest.mark.postgres
async def test_a_batch_committed_by_another_process_is_read_from_the_store(database_url):
    """Two processes on one store (two pools): each keeps its own register; a batch the other committed is missing
    from this one's count of batches, so this one reads the store again and counts it."""
    here = await Database.open(database_url, migrations=MIGRATIONS)
    there = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with here.session() as session:
            assert len(await table_service.current(session)) == 0
        for database, ref, sessions in ((there, "r1", 4), (here, "r2", 5)):
            async with database.session() as session:
                subject = outcome_subject(KANAZAWA, ref, 2025, 1)
                message = outcome_record(ref, sessions_by_approach={"listening": sessions})
                await outcome_record_service.ingest(
                    session, [decode_outcome_record(subject, message.SerializeToString())]
                )
                await session.commit()
        async with here.session() as session:
            register = await table_service.current(session)
            assert kept_register(session).batches == 2
        assert sorted(register.counts["sessions_by_approach"].count.tolist()) == [4, 5]
    finally:
        await here.close()
        await there.close()


def test_a_batch_out_of_turn_leaves_the_register_behind_the_store():
    kept = KeptRegister()
    kept.batches = 3
    kept.apply_batch(5, [(("A", "r1", 2025, 1), 1, False, record(2))])  # batch 4 was another process's
    assert kept.batches == 3 and len(kept.register()) == 0
    kept.apply_batch(4, [(("A", "r1", 2025, 1), 1, False, record(2))])
    assert kept.batches == 4 and len(kept.register()) == 1


@pytest.mark.postgres
async def test_the_register_is_loaded_at_start_before_any_table_is_asked_for(database_url, start_analytics):
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with database.session() as session:
            message = outcome_record("r1", sessions_by_approach={"listening": 2}).SerializeToString()
            await outcome_record_service.ingest(
                session, [decode_outcome_record(outcome_subject(KANAZAWA, "r1", 2025, 1), message)]
            )
            await session.commit()
    finally:
        await database.close()
    analytics = await start_analytics()

    async def loaded() -> bool:
        async with analytics.served.app.state.database.session() as session:
            kept = kept_register(session, create=False)
            return kept is not None and kept.batches == 1 and len(kept.register()) == 1

    await eventually(loaded, what="the register loaded at start")
