"""Consuming `banso.goals.<org>.<goal_ref>`: hand-built GoalSummary bytes on a real JetStream, read back through
the exchange's REST search and straight from its `shared_goal` table."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import DEAD_LETTER_REASON_HEADER, DEAD_LETTER_SUBJECT_HEADER
from banso_core.testing.servers import eventually
from exchange.goal_summary.service import IncomingSummary

pytestmark = pytest.mark.postgres

# "apart": each message in its own batch, so the database decides which version stays.
# "together": all published before the exchange starts, so they arrive in one batch and the batch decides.
ARRIVALS = ["apart", "together"]


async def deliver(arrival, start_exchange, wire, messages):
    """Publish `messages` in order so that they arrive as `arrival` says; returns the running exchange."""
    if arrival == "together":
        for message in messages:
            await wire.publish(message)
        exchange = await start_exchange()
    else:
        exchange = await start_exchange()
        for message in messages:
            await wire.publish(message)
            await wire.settled()
    await wire.settled()
    return exchange


async def searchable(exchange, goal_ref, **params) -> bool:
    return goal_ref in await exchange.refs(**params)


async def test_upsert_is_searchable_with_japanese_labels(exchange, wire, store):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, version=3, status="in_progress", achieved_on=""))

    async def found() -> bool:
        return (await exchange.search(q="サウナ"))["total"] == 1

    await eventually(found, what="the summary in search")
    [item] = (await exchange.search(q="サウナ"))["items"]
    assert item["goal_ref"] == ref and item["version"] == 3
    assert item["org_id"] == "kanazawa-cci" and item["org_name"] == "金沢商工会議所"
    assert item["staff_name"] == "北村 担当" and item["staff_handle"] == "h-kitamura"
    assert item["text"] == "サウナ棟付のキャンプ場新設"
    assert item["set_on"] == "2026-05-01" and item["achieved_on"] is None
    assert (item["category"], item["category_label"]) == ("new_product", "新商品・サービス開発")
    assert (item["status"], item["status_label"]) == ("in_progress", "支援中")
    assert (item["employee_band"], item["employee_band_label"]) == ("6-20", "6〜20人")
    assert (item["jsic_major"], item["jsic_major_label"]) == ("M", "宿泊業，飲食サービス業")
    assert (item["jsic_middle"], item["jsic_middle_label"]) == ("75", "宿泊業")
    assert (item["business_form"], item["business_form_label"]) == ("corporation", "法人")

    row = await store.row(ref)
    assert row is not None and not row.withdrawn and row.version == 3
    assert row.text == "サウナ棟付のキャンプ場新設" and row.employee_band == "6-20"


async def test_codes_unknown_to_this_version_pass_through_with_empty_labels(exchange, wire):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, category="space_tourism", status="orbiting", employee_band="1000+"))
    await eventually(lambda: searchable(exchange, ref), what="the summary with new codes")
    [item] = (await exchange.search(q="サウナ"))["items"]
    assert (item["category"], item["category_label"]) == ("space_tourism", "")
    assert (item["status"], item["status_label"]) == ("orbiting", "")
    assert (item["employee_band"], item["employee_band_label"]) == ("1000+", "")


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_older_version_never_overwrites_newer(arrival, start_exchange, wire, store):
    ref = wire.new_ref()
    exchange = await deliver(
        arrival,
        start_exchange,
        wire,
        [wire.summary(ref, version=2, text="第2版 ジビエ加工場"), wire.summary(ref, version=1, text="第1版 ジビエ")],
    )
    [item] = (await exchange.search(q="ジビエ"))["items"]
    assert (item["version"], item["text"]) == (2, "第2版 ジビエ加工場")
    row = await store.row(ref)
    assert row is not None and (row.version, row.text) == (2, "第2版 ジビエ加工場")


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_highest_version_wins_whatever_the_arrival_order(arrival, start_exchange, wire, store):
    ref = wire.new_ref()
    exchange = await deliver(
        arrival,
        start_exchange,
        wire,
        [wire.summary(ref, version=v, text=f"第{v}版 輪島塗の海外販路") for v in (1, 3, 2)],
    )
    assert (await exchange.search(q="輪島塗"))["total"] == 1
    row = await store.row(ref)
    assert row is not None and (row.version, row.text) == (3, "第3版 輪島塗の海外販路")


async def test_redelivered_message_leaves_one_row_with_the_same_content(exchange, wire, store):
    ref = wire.new_ref()
    data = wire.summary(ref, version=4, text="九谷焼の絵付け体験").SerializeToString()
    await wire.publish(data, subject=f"banso.goals.kanazawa-cci.{ref}", msg_id="outbox-41")
    await wire.settled()
    first = await store.row(ref)
    await wire.publish(data, subject=f"banso.goals.kanazawa-cci.{ref}", msg_id="outbox-41-again")
    await wire.settled()

    assert [row.goal_ref for row in await store.rows()] == [ref]
    second = await store.row(ref)
    assert first is not None and second is not None
    columns = [column.key for column in type(second).__table__.columns if column.key != "ingested_at"]
    assert {name: getattr(second, name) for name in columns} == {name: getattr(first, name) for name in columns}
    assert (await exchange.search(q="九谷焼"))["total"] == 1


async def test_tombstone_removes_the_goal_from_search_and_purges_its_text(exchange, wire, store):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, version=1, text="能登の酒蔵の復旧"))
    await eventually(lambda: searchable(exchange, ref, q="酒蔵"), what="the upsert")

    await wire.publish(wire.tombstone(ref, version=2))

    async def gone() -> bool:
        return not await searchable(exchange, ref)

    await eventually(gone, what="the tombstone to withdraw the goal")
    assert (await exchange.search(q="酒蔵"))["total"] == 0
    assert (await exchange.search())["total"] == 0
    row = await store.row(ref)
    assert row is not None and row.withdrawn and row.version == 2
    assert row.text == "" and row.staff_name == "" and row.staff_handle == "" and row.org_name == ""
    assert row.category == row.status == row.employee_band == row.jsic_major == row.jsic_middle == ""
    assert row.business_form == "" and row.set_on is None and row.achieved_on is None


async def test_tombstone_carrying_fields_still_keeps_no_text(exchange, wire, store):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, version=5, op=goal_summary_pb2.GOAL_SUMMARY_OP_DELETE, text="消すべき本文"))
    await wire.settled()
    row = await store.row(ref)
    assert row is not None and row.withdrawn and row.version == 5
    assert row.text == "" and row.staff_name == "" and row.set_on is None
    assert (await exchange.search(q="本文"))["total"] == 0


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_older_upsert_after_a_tombstone_does_not_bring_it_back(arrival, start_exchange, wire, store):
    ref = wire.new_ref()
    exchange = await deliver(
        arrival,
        start_exchange,
        wire,
        [wire.summary(ref, version=1), wire.tombstone(ref, version=3), wire.summary(ref, version=2)],
    )
    assert ref not in await exchange.refs()
    row = await store.row(ref)
    assert row is not None and row.withdrawn and row.version == 3 and row.text == ""


@pytest.mark.parametrize("arrival", ARRIVALS)
@pytest.mark.parametrize("tombstone_first", [False, True], ids=["upsert-then-tombstone", "tombstone-then-upsert"])
async def test_tombstone_at_the_same_version_wins(arrival, tombstone_first, start_exchange, wire, store):
    ref = wire.new_ref()
    messages = [wire.summary(ref, version=2), wire.tombstone(ref, version=2)]
    exchange = await deliver(arrival, start_exchange, wire, messages[::-1] if tombstone_first else messages)
    assert ref not in await exchange.refs()
    row = await store.row(ref)
    assert row is not None and row.withdrawn and row.version == 2 and row.text == ""


async def test_newer_upsert_after_a_tombstone_shares_the_goal_again(exchange, wire, store):
    ref = wire.new_ref()
    await wire.publish(wire.tombstone(ref, version=1))
    await wire.publish(wire.summary(ref, version=2, text="同意を得て再公開"))
    await eventually(lambda: searchable(exchange, ref, q="再公開"), what="the republished goal")
    row = await store.row(ref)
    assert row is not None and not row.withdrawn and row.version == 2


# Each case: given the summary builder, (payload, subject, words the dead-letter reason must contain).
POISON = {
    "malformed-bytes": lambda summary: (b"not protobuf at all", "banso.goals.kanazawa-cci.broken", "GoalSummary"),
    "org-differs-from-subject": lambda summary: (
        summary("x", org_id="kanazawa-cci"),
        "banso.goals.nanao-cci.x",
        "differs from subject",
    ),
    "unknown-op": lambda summary: (summary("op7", op=7), "banso.goals.kanazawa-cci.op7", "unknown op 7"),
    "unspecified-op": lambda summary: (summary("op0", op=0), "banso.goals.kanazawa-cci.op0", "unknown op 0"),
    "set_on-not-iso": lambda summary: (
        summary("d1", set_on="2026/05/01"),
        "banso.goals.kanazawa-cci.d1",
        "set_on is not an ISO date",
    ),
    "achieved_on-not-iso": lambda summary: (
        summary("d2", achieved_on="令和8年5月1日"),
        "banso.goals.kanazawa-cci.d2",
        "achieved_on is not an ISO date",
    ),
    "text-over-400": lambda summary: (
        summary("long", text="あ" * 401),
        "banso.goals.kanazawa-cci.long",
        "text longer than 400",
    ),
    "no-goal_ref": lambda summary: (summary(""), "banso.goals.kanazawa-cci.none", "goal_ref"),
    "goal_ref-over-64": lambda summary: (summary("r" * 65), "banso.goals.kanazawa-cci.long-ref", "goal_ref"),
    "version-zero": lambda summary: (summary("v0", version=0), "banso.goals.kanazawa-cci.v0", "version"),
    # Not a protobuf error, yet no retry can make it valid: Timestamp.ToDatetime raises a plain ValueError.
    "updated_at-out-of-range": lambda summary: (
        _with_seconds(summary("ts"), 2**62),
        "banso.goals.kanazawa-cci.ts",
        "updated_at",
    ),
}


def _with_seconds(message, seconds):
    message.updated_at.seconds = seconds
    return message


@pytest.mark.parametrize("case", POISON)
async def test_poison_message_is_dead_lettered_and_blocks_nothing(case, start_exchange, wire, store):
    payload, subject, reason = POISON[case](wire.summary)
    data = payload if isinstance(payload, bytes) else payload.SerializeToString()
    before, after = wire.new_ref(), wire.new_ref()
    # Published before the exchange starts: the poison shares its batch with good summaries on both sides.
    await wire.publish(wire.summary(before, text="前の目標"))
    await wire.publish(data, subject=subject)
    await wire.publish(wire.summary(after, text="後の目標"))
    exchange = await start_exchange()

    async def both_good_ones_arrived() -> bool:
        return set(await exchange.refs()) == {before, after}

    await eventually(both_good_ones_arrived, timeout=5, what="the good summaries around the poison one")
    [parked] = await wire.dead_letters()
    assert parked.subject == f"banso.dead.{subject}"
    assert parked.data == data
    assert parked.headers is not None
    assert reason in parked.headers[DEAD_LETTER_REASON_HEADER]
    assert parked.headers[DEAD_LETTER_SUBJECT_HEADER] == subject
    await wire.settled(within=5)
    assert [row.goal_ref for row in await store.rows()] == sorted([before, after])

    # Later good messages keep flowing too.
    later = wire.new_ref()
    await wire.publish(wire.summary(later, text="さらに後の目標"))
    await eventually(lambda: searchable(exchange, later), timeout=5, what="a summary published after the poison")
    assert len(await wire.dead_letters()) == 1


# Valid protobuf that a database may refuse to store (PostgreSQL: NUL in text, a key longer than its column).
UNSTORABLE = {
    "nul-in-text": lambda summary: summary("nul-text", text="サウナ\x00棟"),
    "nul-in-staff_name": lambda summary: summary("nul-staff", staff_name="北村\x00担当"),
    "org_id-over-64": lambda summary: summary("long-org", org_id="o" * 65),
}


@pytest.mark.parametrize("case", UNSTORABLE)
async def test_summary_the_database_refuses_blocks_nothing(case, start_exchange, wire, store):
    unstorable = UNSTORABLE[case](wire.summary)
    before, after = wire.new_ref(), wire.new_ref()
    await wire.publish(wire.summary(before))
    await wire.publish(unstorable)
    await wire.publish(wire.summary(after))
    exchange = await start_exchange()

    async def good_ones_arrived() -> bool:
        return {before, after} <= set(await exchange.refs())

    # Rejected at decoding, so parked at once with a reason, the same way on every database.
    await eventually(good_ones_arrived, timeout=3, what="the good summaries around the unstorable one")
    await wire.settled(within=5)
    stored = [(row.org_id, row.goal_ref) for row in await store.rows()]
    assert (unstorable.org_id, unstorable.goal_ref) not in stored
    letters = [msg for msg in await wire.dead_letters() if msg.headers]
    assert [msg.headers[DEAD_LETTER_SUBJECT_HEADER] for msg in letters] == [
        f"banso.goals.{unstorable.org_id}.{unstorable.goal_ref}"
    ]
    assert "failed" not in letters[0].headers[DEAD_LETTER_REASON_HEADER]


async def test_text_of_exactly_400_characters_is_accepted(exchange, wire, store):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, text="あ" * 399 + "ん"))
    await eventually(lambda: searchable(exchange, ref, q="ん"), what="the 400-character summary")
    row = await store.row(ref)
    assert row is not None and len(row.text) == 400
    assert await wire.dead_letters() == []


async def test_same_goal_ref_in_two_organizations_is_two_goals(exchange, wire, store):
    ref = "0123456789abcdef0123456789abcdef"
    await wire.publish(wire.summary(ref, org_id="kanazawa-cci", org_name="金沢商工会議所", text="金沢の 目標"))
    await wire.publish(wire.summary(ref, org_id="nanao-cci", org_name="七尾商工会議所", text="七尾の 目標"))
    await wire.settled()

    rows = await store.rows()
    assert [(row.org_id, row.goal_ref, row.text) for row in rows] == [
        ("kanazawa-cci", ref, "金沢の 目標"),
        ("nanao-cci", ref, "七尾の 目標"),
    ]
    result = await exchange.search(q="目標")
    assert result["total"] == 2
    assert {item["org_name"] for item in result["items"]} == {"金沢商工会議所", "七尾商工会議所"}

    # One organization withdrawing its goal leaves the other's alone.
    await wire.publish(wire.tombstone(ref, org_id="nanao-cci", version=2))
    await wire.settled()
    [item] = (await exchange.search(q="目標"))["items"]
    assert item["org_id"] == "kanazawa-cci"
    nanao = await store.row(ref, org_id="nanao-cci")
    assert nanao is not None and nanao.withdrawn


@pytest.mark.parametrize("last", ["upsert", "tombstone"])
async def test_many_shuffled_versions_end_at_the_highest(last, exchange, wire, store):
    ref = wire.new_ref()
    versions = list(range(1, 51))
    random.Random(20260601).shuffle(versions)
    for version in versions:
        if last == "tombstone" and version == 50:
            await wire.publish(wire.tombstone(ref, version=50))
        else:
            await wire.publish(wire.summary(ref, version=version, text=f"第{version}版 加賀棒茶"))
    await wire.settled()

    row = await store.row(ref)
    assert row is not None and row.version == 50
    if last == "tombstone":
        assert row.withdrawn and row.text == ""
        assert (await exchange.search(q="加賀棒茶"))["total"] == 0
    else:
        assert not row.withdrawn and row.text == "第50版 加賀棒茶"
        [item] = (await exchange.search(q="加賀棒茶"))["items"]
        assert item["version"] == 50
    assert await store.count() == 1


async def test_int64_version_is_kept(exchange, wire, store):
    """The contract's version is int64: a producer may use e.g. a millisecond clock."""
    ref = wire.new_ref()
    big = 1_780_000_000_000
    await wire.publish(wire.summary(ref, version=big, text="ミリ秒版"))
    await wire.publish(wire.summary(ref, version=big - 1, text="古い版"))
    later = wire.new_ref()
    await wire.publish(wire.summary(later, text="後続の目標"))
    await eventually(lambda: searchable(exchange, later), timeout=5, what="the summary behind the int64 version")
    row = await store.row(ref)
    assert row is not None and (row.version, row.text) == (big, "ミリ秒版")


async def test_restarting_mid_stream_loses_and_duplicates_nothing(start_exchange, wire, store):
    """Publishing never pauses: before, during and after the first instance stops, and while a new one starts.

    Whatever the first instance had fetched but not acknowledged when it stopped must reach the new one promptly.
    """
    first = await start_exchange()
    published: list[str] = []
    enough = asyncio.Event()

    async def publish_continuously() -> None:
        while not enough.is_set():
            ref = wire.new_ref()
            await wire.publish(wire.summary(ref, version=1, text=f"目標 {len(published)}"))
            await wire.publish(wire.summary(ref, version=2, text=f"改訂 目標 {len(published)}"))
            published.append(ref)

    publisher = asyncio.create_task(publish_continuously())
    try:
        await eventually(lambda: _more_rows_than(store, 20), timeout=5, what="the first instance to ingest")
        await first.stop()
        published_while_down = len(published)
        await eventually(lambda: _published_more_than(published, published_while_down + 20), what="publishing on")
        second = await start_exchange()
        await eventually(lambda: _more_rows_than(store, published_while_down + 20), what="the new instance to ingest")
    finally:
        enough.set()
        await publisher

    await wire.settled(within=10)
    rows = await store.rows()
    assert len(rows) == len(published)
    assert sorted(row.goal_ref for row in rows) == sorted(published)
    assert {row.version for row in rows} == {2}
    assert all(row.text.startswith("改訂 ") for row in rows)
    assert (await second.search(limit=1))["total"] == len(published)


async def test_exchange_stops_promptly_while_summaries_keep_arriving(start_exchange, wire):
    """Shutting down must not depend on the moment the consumer is interrupted (fetching, writing, acking)."""
    enough = asyncio.Event()

    async def publish_continuously() -> None:
        while not enough.is_set():
            await wire.publish(wire.summary(wire.new_ref()))

    publisher = asyncio.create_task(publish_continuously())
    try:
        # Each stop interrupts the consumer at a different point: fetching, writing or acknowledging.
        for _ in range(16):
            delivered_before = await wire.delivered()
            exchange = await start_exchange()
            await eventually(
                lambda floor=delivered_before: _delivered_beyond(wire, floor + 20), what="the new instance to consume"
            )
            await exchange.stop()
    finally:
        enough.set()
        await publisher


async def _delivered_beyond(wire, sequence: int) -> bool:
    return await wire.delivered() > sequence


async def _more_rows_than(store, count: int) -> bool:
    return await store.count() > count


async def _published_more_than(published: list[str], count: int) -> bool:
    return len(published) > count


async def test_a_batch_larger_than_one_statement_holds_is_stored_whole(store):
    """asyncpg allows 32,767 parameters per statement; 2,500 summaries need three statements."""
    at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    summaries = [
        IncomingSummary(
            org_id="kanazawa-cci",
            goal_ref=f"bulk-{number:05d}",
            version=1,
            withdrawn=False,
            updated_at=at,
            set_on=dt.date(2026, 4, 1),
            category="digital",
            text=f"受発注のデジタル化 {number}",
            status="in_progress",
        )
        for number in range(2_500)
    ]
    await store.ingest(summaries)
    rows = await store.rows()
    assert len(rows) == 2_500
    assert {row.goal_ref for row in rows} == {summary.goal_ref for summary in summaries}
