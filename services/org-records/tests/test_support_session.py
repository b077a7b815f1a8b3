"""支援記録: every contact with the advisor's approach and the owner's attitude, validated and linked to goals."""

from __future__ import annotations

import datetime as dt

import pytest

from org_records.support_session.models import SupportSession
from org_records.support_session.schemas import today_in_japan

pytestmark = pytest.mark.postgres

SESSION = {
    "held_on": "2026-06-12",
    "channel": "visit",
    "minutes": 60,
    "approach": "dialogue",
    "attitude": "positive",
    "notes": "社長と奥様から詳しく伺った。資金繰りの話は共有しない。",
    "next_action": "見積書を確認して次回訪問",
}


async def _goal(client, business, goal_payload, text="ECサイトで県外の新規顧客を開拓する"):
    response = await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload | {"text": text})
    return response.json()


async def test_record_a_session_touching_goals(client, business, goal_payload):
    first = await _goal(client, business, goal_payload)
    second = await _goal(client, business, goal_payload, "補助金を活用した設備更新")
    response = await client.post(
        f"/api/v1/businesses/{business['id']}/sessions", json=SESSION | {"goal_ids": [second["id"], first["id"]]}
    )
    assert response.status_code == 201, response.text
    recorded = response.json()
    assert recorded["goal_ids"] == sorted([first["id"], second["id"]])
    assert recorded["approach_label"] == "対話型アプローチ"
    assert recorded["attitude_label"] == "納得していた・前向きだった"
    assert recorded["channel_label"] == "巡回訪問"
    fetched = (await client.get(f"/api/v1/sessions/{recorded['id']}")).json()
    assert fetched == recorded


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"approach": None}, "approach"),
        ({"attitude": "angry"}, "attitude"),
        ({"approach": "coaching"}, "approach"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"held_on": (today_in_japan() + dt.timedelta(days=1)).isoformat()}, "held_on"),
        ({"minutes": 0}, "minutes"),
        ({"notes": "あ" * 10_001}, "notes"),
    ],
)
async def test_bad_session_is_422_with_the_field(client, business, count_rows, change, field):
    body = {key: value for key, value in (SESSION | change).items() if value is not None}
    response = await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=body)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert await count_rows(SupportSession) == 0


async def test_a_goal_of_another_business_cannot_be_linked(
    client, business, business_payload, goal_payload, count_rows
):
    other = (await client.post("/api/v1/businesses", json=business_payload | {"name": "別の事業者"})).json()
    foreign = await _goal(client, other, goal_payload)
    response = await client.post(
        f"/api/v1/businesses/{business['id']}/sessions", json=SESSION | {"goal_ids": [foreign["id"]]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "goal_ids"
    assert await count_rows(SupportSession) == 0


async def test_timeline_is_newest_first_and_paginated(client, business):
    for day in (3, 1, 20, 7):
        await client.post(
            f"/api/v1/businesses/{business['id']}/sessions", json=SESSION | {"held_on": f"2026-05-{day:02d}"}
        )
    page = (await client.get(f"/api/v1/businesses/{business['id']}/sessions", params={"limit": 2})).json()
    assert page["total"] == 4
    assert [item["held_on"] for item in page["items"]] == ["2026-05-20", "2026-05-07"]
    rest = (await client.get(f"/api/v1/businesses/{business['id']}/sessions", params={"limit": 2, "offset": 2})).json()
    assert [item["held_on"] for item in rest["items"]] == ["2026-05-03", "2026-05-01"]
    assert (await client.get("/api/v1/businesses/999/sessions")).status_code == 404


async def test_update_checks_version_and_merged_record_then_delete(client, business):
    recorded = (await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=SESSION)).json()
    changed = await client.patch(
        f"/api/v1/sessions/{recorded['id']}", json={"attitude": "negative", "version": recorded["version"]}
    )
    assert changed.status_code == 200
    assert changed.json()["attitude_label"] == "納得していなかった・否定的だった"
    assert changed.json()["version"] == 2
    assert (
        await client.patch(f"/api/v1/sessions/{recorded['id']}", json={"minutes": 30, "version": 1})
    ).status_code == 409
    invalid = await client.patch(f"/api/v1/sessions/{recorded['id']}", json={"approach": "shouting"})
    assert invalid.status_code == 422
    assert (await client.delete(f"/api/v1/sessions/{recorded['id']}")).status_code == 204
    assert (await client.get(f"/api/v1/sessions/{recorded['id']}")).status_code == 404


async def test_the_latest_session_of_each_business_is_the_newest_by_date(client, business, business_payload):
    other = (await client.post("/api/v1/businesses", json=business_payload | {"corporate_number": None})).json()
    quiet = (await client.post("/api/v1/businesses", json=business_payload | {"corporate_number": None})).json()
    for held_on, next_action in (
        ("2026-05-10", "五月の次回"),
        ("2026-06-01", "六月の次回"),
        ("2026-04-20", "四月の次回"),
    ):
        recorded = await client.post(
            f"/api/v1/businesses/{business['id']}/sessions",
            json=SESSION | {"held_on": held_on, "next_action": next_action},
        )
        assert recorded.status_code == 201, recorded.text
    await client.post(f"/api/v1/businesses/{other['id']}/sessions", json=SESSION | {"held_on": "2026-03-02"})

    response = await client.get(
        "/api/v1/sessions/latest", params={"business_id": [business["id"], other["id"], quiet["id"]]}
    )
    assert response.status_code == 200, response.text
    latest = {item["business_id"]: (item["held_on"], item["next_action"]) for item in response.json()["items"]}
    assert latest == {business["id"]: ("2026-06-01", "六月の次回"), other["id"]: ("2026-03-02", SESSION["next_action"])}
    assert (await client.get("/api/v1/sessions/latest")).json() == {"items": [], "total": 0}
