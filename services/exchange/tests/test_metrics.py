"""The exchange's `GET /metrics`: the consumer's lag while it is stopped and after it catches up, and the dead
letters a malformed summary leaves."""

from __future__ import annotations

import re

import pytest

from banso_core.testing.servers import eventually

pytestmark = pytest.mark.postgres


def metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if wanted else ''} (\S+)$"
    found = re.search(pattern, text, flags=re.MULTILINE)
    assert found, f"no sample {name}{{{wanted}}} in:\n{text[:2000]}"
    return float(found.group(1))


async def scrape(exchange) -> str:
    response = await exchange.get("/metrics", headers={})
    assert response.status_code == 200
    return response.text


async def test_consumer_lag_and_dead_letters(start_exchange, wire):
    exchange = await start_exchange()
    await wire.publish(wire.summary(wire.new_ref()))
    await wire.settled(within=5)
    text = await scrape(exchange)
    assert metric(text, "banso_consumer_pending_messages", durable="exchange") == 0
    assert metric(text, "banso_dead_letters") == 0
    await exchange.stop()

    for _ in range(3):
        await wire.publish(wire.summary(wire.new_ref()))
    await wire.publish(b"\xff\xff not protobuf", subject="banso.goals.kanazawa-cci.broken")
    exchange = await start_exchange(consumer_batch_size=1)

    async def caught_up() -> bool:
        text = await scrape(exchange)
        return (
            metric(text, "banso_consumer_pending_messages", durable="exchange") == 0
            and metric(text, "banso_consumer_unacked_messages", durable="exchange") == 0
            and metric(text, "banso_dead_letters") == 1
        )

    await eventually(caught_up, timeout=10, what="the consumer to catch up and park the malformed summary")
    assert len(await exchange.refs()) == 4
