"""The store is derived: emptied and rebuilt from the goals stream, it ends identical to what the consumer built."""

from __future__ import annotations

import datetime as dt

import nats
import pytest

from exchange.goal_summary.models import SharedGoal
from exchange.rebuild import rebuild_from_stream

pytestmark = pytest.mark.postgres

COMPARED = [
    column.name for column in SharedGoal.__table__.columns if column.name not in ("ingested_at", "ingested_seq")
]


async def snapshot(store) -> list[tuple]:
    return [tuple(getattr(row, name) for name in COMPARED) for row in await store.rows()]


async def index_answers(exchange) -> dict[str, list[str]]:
    return {q: await exchange.refs(q=q) for q in ("サウナ", "ホームページ", "販路", "改訂", "キャンブ場")}


async def test_drop_and_rebuild_from_the_stream_ends_identical(exchange, wire, store, start_exchange):
    refs = [wire.new_ref() for _ in range(6)]
    texts = [
        "サウナ棟付のキャンプ場新設",
        "ウェブサイト刷新",
        "県外への販路開拓",
        "ネット通販の立ち上げ",
        "後継者育成",
        "消える目標",
    ]
    for ref, goal_text in zip(refs, texts, strict=True):
        await wire.publish(wire.summary(ref, text=goal_text))
    for version in (3, 2):  # out of order: 2 must not overwrite 3
        await wire.publish(wire.summary(refs[0], version=version, text=f"サウナ棟付のキャンプ場新設 改訂{version}"))
    await wire.publish(wire.summary(refs[1], org_id="nanao-cci", text="ホームページ多言語化"))
    await wire.publish(wire.tombstone(refs[5], version=2))
    await wire.publish(b"not a goal summary", subject="banso.goals.kanazawa-cci.poison")
    await wire.publish(wire.summary("mismatch", org_id="nanao-cci"), subject="banso.goals.kanazawa-cci.mismatch")
    await wire.settled()
    before, answers = await snapshot(store), await index_answers(exchange)
    assert len(before) == 7 and answers["サウナ"] and answers["ホームページ"]
    await exchange.stop()

    client = await nats.connect(wire.js._nc.connected_url.geturl())  # the broker the exchange used
    lines = []
    try:
        progress = await rebuild_from_stream(store.database, client.jetstream(), batch_size=4, report=lines.append)
    finally:
        await client.close()

    # 12 published; after the tombstone the exchange purged 消える目標's upsert from the stream.
    assert progress.messages == 11 and progress.refused == 2
    assert lines[-1].messages == 11 and len(lines) >= 3  # progress reported batch by batch
    assert await snapshot(store) == before
    rebuilt = await start_exchange()
    assert await index_answers(rebuilt) == answers


async def test_rebuild_empties_the_store_of_what_the_stream_no_longer_holds(exchange, wire, store):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, text="ストリームにある目標"))
    await wire.settled()
    await store.ingest([store.incoming("only-in-the-store", text="ストリームにない目標", set_on=dt.date(2026, 1, 1))])
    assert await store.count() == 2
    client = await nats.connect(wire.js._nc.connected_url.geturl())
    try:
        await rebuild_from_stream(store.database, client.jetstream())
    finally:
        await client.close()
    assert [row.goal_ref for row in await store.rows()] == [ref]
    assert await exchange.refs(q="目標") == [ref]  # the index holds only the rebuilt goal
