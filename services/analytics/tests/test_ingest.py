"""Consuming outcome records and goal summaries: hand-built messages on a real JetStream, read back from the store."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from analytics.db import MIGRATIONS
from analytics.goal_summary.models import GoalFact
from analytics.outcome_record.models import StoredOutcomeRecord
from banso.events.v1 import goal_summary_pb2
from banso_core.db import Database
from banso_core.messaging import DEAD_LETTER_REASON_HEADER, GOALS_STREAM, outcome_subject

from .conftest import DELETE, KANAZAWA, NANAO, UPDATED_AT, outcome_record

pytestmark = pytest.mark.postgres


async def stored(database_url: str) -> dict[tuple[str, str, int, int], StoredOutcomeRecord]:
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with database.session() as session:
            rows = (await session.scalars(select(StoredOutcomeRecord))).all()
            return {(r.org_id, r.business_ref, r.fiscal_year, r.fiscal_quarter): r for r in rows}
    finally:
        await database.close()


def full_record(ref: str, **fields):
    defaults = {
        "jsic_major": "E",
        "employee_band": "6-20",
        "support_stage": "active",
        "plan_themes": ["sales", "digital"],
        "sessions_by_approach": {"listening": 2},
        "sessions_by_attitude": {"positive": 2},
        "sessions_by_approach_attitude": {"listening/positive": 2},
        "goals_set_by_category": {"digital": 1},
        "sales_yoy_percent": 12.5,
    }
    return outcome_record(ref, **(defaults | fields))


async def test_a_record_is_stored_with_its_counts_and_figures(analytics, wire, database_url):
    ref = wire.new_ref()
    await wire.publish_record(full_record(ref, version=2))
    await wire.settled()
    row = (await stored(database_url))[(KANAZAWA, ref, 2025, 1)]
    assert (row.version, row.withdrawn, row.jsic_major, row.employee_band) == (2, False, "E", "6-20")
    assert row.plan_themes == ["digital", "sales"] and row.support_stage == "active"
    assert row.counts == {
        "sessions_by_approach": {"listening": 2},
        "sessions_by_attitude": {"positive": 2},
        "sessions_by_approach_attitude": {"listening/positive": 2},
        "goals_set_by_category": {"digital": 1},
    }
    assert row.sales_yoy_percent == 12.5 and row.gross_margin_change_points is None
    assert row.updated_at == UPDATED_AT


@pytest.mark.parametrize("arrival", ["apart", "together"])
async def test_older_versions_never_overwrite_newer_and_a_tombstone_wins_at_equal_version(
    arrival, start_analytics, wire, database_url
):
    kept, withdrawn = wire.new_ref(), wire.new_ref()
    messages = [
        full_record(kept, version=3, sales_yoy_percent=3.0),
        full_record(kept, version=1, sales_yoy_percent=1.0),
        full_record(kept, version=2, sales_yoy_percent=2.0),
        full_record(withdrawn, version=4),
        outcome_record(withdrawn, version=4, op=DELETE),
        full_record(withdrawn, version=4),
    ]
    if arrival == "together":
        for message in messages:
            await wire.publish_record(message)
        await start_analytics()
    else:
        await start_analytics()
        for message in messages:
            await wire.publish_record(message)
            await wire.settled()
    await wire.settled()
    rows = await stored(database_url)
    assert rows[(KANAZAWA, kept, 2025, 1)].version == 3
    assert rows[(KANAZAWA, kept, 2025, 1)].sales_yoy_percent == 3.0
    gone = rows[(KANAZAWA, withdrawn, 2025, 1)]
    assert gone.withdrawn and gone.version == 4
    assert (gone.counts, gone.plan_themes, gone.jsic_major, gone.sales_yoy_percent) == ({}, [], "", None)


async def test_after_a_tombstone_the_stream_keeps_only_the_tombstone(analytics, wire):
    ref = wire.new_ref()
    subject = outcome_subject(KANAZAWA, ref, 2025, 2)
    for version in (1, 2):
        await wire.publish_record(full_record(ref, fiscal_quarter=2, version=version))
    await wire.settled()
    assert (await wire.stream_subjects())[subject] == 2
    await wire.publish_record(outcome_record(ref, fiscal_quarter=2, version=3, op=DELETE))
    await wire.settled()

    async def purged() -> bool:
        return (await wire.stream_subjects()).get(subject) == 1

    from banso_core.testing.servers import eventually

    await eventually(purged, what="the withdrawn record's upserts purged from the stream")


async def test_rebuilt_from_the_stream_ends_identical(start_analytics, wire, database_url, database_url_factory):
    refs = [wire.new_ref() for _ in range(4)]
    for index, ref in enumerate(refs):
        await wire.publish_record(full_record(ref, version=1, fiscal_quarter=1 + index % 4))
        await wire.publish_record(full_record(ref, version=2, fiscal_quarter=1 + index % 4, sales_yoy_percent=9.0))
    await wire.publish_record(outcome_record(refs[0], version=3, op=DELETE))
    await start_analytics()
    await wire.settled()
    rebuilt_url = await database_url_factory("analytics-rebuilt")
    await start_analytics(database_url=rebuilt_url, outcome_consumer_name="rebuild", goal_consumer_name="rebuild-g")
    await wire.settled(durable="rebuild")

    def comparable(rows):
        return {
            key: (row.version, row.withdrawn, row.counts, row.plan_themes, row.sales_yoy_percent)
            for key, row in rows.items()
        }

    first, second = await stored(database_url), await stored(rebuilt_url)
    assert comparable(first) == comparable(second) and len(first) == 4


@pytest.mark.parametrize(
    ("subject", "data", "reason"),
    [
        ("banso.outcomes.kanazawa-cci.r1.2025Q1", b"\xff\xff\xff", "not a banso.events.v1.OutcomeRecord"),
        ("banso.outcomes.nanao-cci.r1.2025Q1", None, "differs from subject"),
        ("banso.outcomes.kanazawa-cci.r1.2025Q2", None, "is not the record's own"),
    ],
)
async def test_poison_is_dead_lettered_and_the_rest_applied(analytics, wire, database_url, subject, data, reason):
    good = wire.new_ref()
    payload = data if data is not None else full_record("r1").SerializeToString()
    await wire.publish(subject, payload)
    await wire.publish_record(full_record(good))
    await wire.settled()
    [parked] = await wire.dead_letters()
    assert reason in parked.headers[DEAD_LETTER_REASON_HEADER]
    rows = await stored(database_url)
    assert list(rows) == [(KANAZAWA, good, 2025, 1)]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"goals_set_by_category": {"digital": -1}}, "is negative"),
        ({"sales_yoy_percent": math.nan}, "not a finite change"),
        ({"version": 0}, "version must be"),
        ({"fiscal_quarter": 5}, "fiscal_quarter 1–4"),
        ({"jsic_major": "E\x00"}, "control characters"),
    ],
)
async def test_invalid_records_are_dead_lettered_with_the_reason(analytics, wire, database_url, fields, reason):
    values = {"version": 1, "fiscal_quarter": 1} | fields
    record = outcome_record("bad", version=values.pop("version"), fiscal_quarter=values.pop("fiscal_quarter"))
    for name, value in values.items():
        if isinstance(value, dict):
            getattr(record, name).update(value)
        else:
            setattr(record, name, value)
    subject = f"banso.outcomes.{KANAZAWA}.bad.2025Q{min(record.fiscal_quarter, 4)}"
    await wire.publish(subject, record.SerializeToString())
    await wire.settled()
    [parked] = await wire.dead_letters()
    assert reason in parked.headers[DEAD_LETTER_REASON_HEADER]
    assert await stored(database_url) == {}


async def test_goal_summaries_keep_codes_and_dates_only(analytics, wire, database_url):
    summary = goal_summary_pb2.GoalSummary(
        goal_ref="g1", org_id=NANAO, version=2, op=goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT, org_name="七尾商工会議所",
        staff_name="北村", text="サウナ棟の新設", category="new_product", status="achieved", set_on="2025-04-01",
        achieved_on="2025-09-30", jsic_major="M", employee_band="6-20",
    )  # fmt: skip
    summary.updated_at.FromDatetime(UPDATED_AT)
    await wire.publish_goal(summary)
    await wire.settled(GOALS_STREAM, "analytics-goals")
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with database.session() as session:
            [goal] = (await session.scalars(select(GoalFact))).all()
    finally:
        await database.close()
    assert (goal.org_id, goal.goal_ref, goal.category, goal.status) == (NANAO, "g1", "new_product", "achieved")
    assert (goal.set_on.isoformat(), goal.achieved_on and goal.achieved_on.isoformat()) == ("2025-04-01", "2025-09-30")
    assert not hasattr(goal, "text") and not hasattr(goal, "staff_name")
