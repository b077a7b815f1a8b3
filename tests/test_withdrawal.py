"""Consent withdrawn, sharing turned off, goal or business deleted: the goal leaves exchange search, the hub's
stream no longer holds its summary, and an exchange rebuilt from the stream does not bring it back
(sharing-policy.md §4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import GOALS_STREAM, goal_subject
from banso_core.testing.auth import signed_in_client
from banso_core.testing.servers import eventually
from banso_core.testing.streams import stream_messages

pytestmark = [pytest.mark.e2e]

WITHDRAWN_TEXT = "輪島塗の器を使った新メニューの開発"
KEPT_TEXT = "加賀棒茶を使った焼き菓子の販路開拓"


def business(name: str) -> dict[str, Any]:
    return {"name": name, "business_form": "corporation", "jsic_major": "I", "jsic_middle": "58",
            "employees": 3, "sharing_consent": True}  # fmt: skip


async def withdraw(client: httpx.AsyncClient, way: str, business_id: int, goal_id: int) -> None:
    if way == "consent withdrawn":
        response = await client.patch(f"/api/v1/businesses/{business_id}", json={"sharing_consent": False})
    elif way == "sharing turned off":
        response = await client.patch(f"/api/v1/goals/{goal_id}", json={"shared": False})
    elif way == "goal deleted":
        response = await client.delete(f"/api/v1/goals/{goal_id}")
    else:
        response = await client.delete(f"/api/v1/businesses/{business_id}")
    assert response.is_success, response.text


@pytest.mark.parametrize("way", ["consent withdrawn", "sharing turned off", "goal deleted", "business deleted"])
async def test_a_withdrawn_goal_leaves_search_the_stream_and_any_rebuild(federation, way):
    org = await federation.start_org("wajima-cci", "輪島商工会議所")
    await federation.start_exchange()
    async with signed_in_client(org.url) as client:
        ids: dict[str, tuple[int, int]] = {}
        for name, text in (("株式会社塗師屋", WITHDRAWN_TEXT), ("株式会社棒茶本舗", KEPT_TEXT)):
            created = (await client.post("/api/v1/businesses", json=business(name))).json()
            goal = await client.post(
                f"/api/v1/businesses/{created['id']}/goals",
                json={"set_on": "2026-06-01", "category": "new_product", "text": text},
            )
            assert goal.status_code == 201, goal.text
            ids[text] = (created["id"], goal.json()["id"])

        async def both_found() -> bool:
            return bool((await federation.search())["total"] == 2)

        await eventually(both_found, what="both goals in the exchange")
        (item,) = (await federation.search(q="輪島塗"))["items"]
        subject = goal_subject("wajima-cci", item["goal_ref"])
        await withdraw(client, way, *ids[WITHDRAWN_TEXT])

    async def unfindable() -> bool:
        return bool((await federation.search(q="輪島塗"))["total"] == 0)

    await eventually(unfindable, what="the withdrawn goal gone from search")

    async def purged() -> bool:
        return len(await stream_messages(federation.nats.url, GOALS_STREAM.name, subject)) == 1

    await eventually(purged, what="the stream holding only the tombstone")
    (tombstone,) = await stream_messages(federation.nats.url, GOALS_STREAM.name, subject)
    summary = goal_summary_pb2.GoalSummary.FromString(tombstone.data)
    assert summary.op == goal_summary_pb2.GOAL_SUMMARY_OP_DELETE and summary.text == ""
    for held in await stream_messages(federation.nats.url, GOALS_STREAM.name):
        assert WITHDRAWN_TEXT.encode() not in held.data

    # A new exchange with an empty store, reading the stream from its start.
    await federation.stop_exchange()
    assert federation.exchange_settings is not None
    federation.exchange_settings = federation.exchange_settings.model_copy(
        update={
            "database_url": await federation.make_database_url("exchange-rebuilt"),
            "consumer_name": "exchange-rebuilt",
        }
    )
    await federation.start_exchange()

    async def rebuilt() -> bool:
        return bool((await federation.search(q="棒茶"))["total"] == 1)

    await eventually(rebuilt, what="the rebuilt exchange holding the kept goal")
    assert (await federation.search())["total"] == 1
    assert (await federation.search(q="輪島塗"))["total"] == 0
