"""Delivery on real servers: nothing lost, nothing duplicated, the newest version wins."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from banso_core.testing.auth import signed_in_client
from banso_core.testing.servers import eventually
from exchange.goal_summary.models import SharedGoal

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

BUSINESS = {
    "name": "七尾酒造株式会社",
    "business_form": "corporation",
    "jsic_major": "E",
    "jsic_middle": "10",
    "employees": 25,
    "sharing_consent": True,
}


async def _exchange_rows(federation) -> tuple[int, int]:
    """(rows, distinct versions summed) in the exchange store."""
    async with federation.exchange.app.state.database.session() as session:
        count = await session.scalar(select(func.count()).select_from(SharedGoal).where(~SharedGoal.withdrawn))
        versions = await session.scalar(select(func.sum(SharedGoal.version)))
    return int(count or 0), int(versions or 0)


async def _write_goals(org, first: int, count: int) -> list[int]:
    async with signed_in_client(org.url) as client:
        business = (await client.post("/api/v1/businesses", json=BUSINESS)).json()
        ids = []
        for number in range(first, first + count):
            response = await client.post(
                f"/api/v1/businesses/{business['id']}/goals",
                json={"set_on": "2026-04-01", "category": "sales_channel", "text": f"県外販路の開拓 第{number}弾"},
            )
            assert response.status_code == 201
            ids.append(response.json()["id"])
        return ids


async def test_exchange_down_while_goals_are_written_loses_and_duplicates_nothing(federation):
    nanao = await federation.start_org("nanao-cci", "七尾商工会議所")
    await federation.start_exchange()
    await _write_goals(nanao, 0, 10)
    await eventually(lambda: _has(federation, 10), what="the first ten goals")

    await federation.stop_exchange()
    await _write_goals(nanao, 10, 15)
    await federation.start_exchange()

    await eventually(lambda: _has(federation, 25), what="all goals after the exchange restarted")
    await asyncio.sleep(0.5)
    assert await _exchange_rows(federation) == (25, 25)
    assert (await federation.search(q="県外販路"))["total"] == 25


async def test_broker_restart_mid_flow_loses_and_duplicates_nothing(federation):
    nanao = await federation.start_org("nanao-cci", "七尾商工会議所")
    await federation.start_exchange()
    writer = asyncio.create_task(_write_goals(nanao, 0, 30))
    await asyncio.sleep(0.2)
    federation.nats.stop()
    await asyncio.sleep(0.5)
    federation.nats.start()
    await writer
    await _write_goals(nanao, 30, 5)

    await eventually(lambda: _has(federation, 35), timeout=30, what="every goal after the broker restart")
    await asyncio.sleep(0.5)
    assert await _exchange_rows(federation) == (35, 35)


async def test_updates_end_at_the_newest_version(federation):
    nanao = await federation.start_org("nanao-cci", "七尾商工会議所")
    await federation.start_exchange()
    (goal_id,) = await _write_goals(nanao, 0, 1)
    async with signed_in_client(nanao.url) as client:
        for version in range(1, 6):
            response = await client.patch(
                f"/api/v1/goals/{goal_id}", json={"text": f"日本酒の海外販路開拓 改訂{version}", "version": version}
            )
            assert response.status_code == 200
    await eventually(lambda: _text_is(federation, "改訂5"), what="the newest version")
    assert await _exchange_rows(federation) == (1, 6)


async def _has(federation, count: int) -> bool:
    return (await _exchange_rows(federation))[0] >= count


async def _text_is(federation, fragment: str) -> bool:
    # A search without an exact hit falls back to any of the query's bigrams (typos), so look at the text.
    found = await federation.search(q=fragment)
    return [fragment in item["text"] for item in found["items"]] == [True]
