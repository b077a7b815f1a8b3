"""成果: outcome events with kind, date, count and how they are known (書類確認 / 聞き取り)."""

from __future__ import annotations

import datetime as dt

import pytest

from org_records.fiscal import today_in_japan
from org_records.outcome.models import OutcomeEvent

pytestmark = pytest.mark.postgres

OUTCOME = {
    "kind": "new_partner",
    "occurred_on": "2026-06-15",
    "count": 3,
    "verified": True,
    "note": "金沢の百貨店2社と",
}


def _url(business):
    return f"/api/v1/businesses/{business['id']}/outcomes"


async def _goal(client, business, goal_payload):
    # The first goal warms up the sharing scrubber, which takes seconds on a loaded machine.
    response = await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_read_update_delete(client, business, goal_payload, count_rows):
    goal = await _goal(client, business, goal_payload)
    created = await client.post(_url(business), json=OUTCOME | {"goal_id": goal["id"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert {name: body[name] for name in OUTCOME} == OUTCOME
    assert (body["kind_label"], body["verified_label"], body["goal_id"]) == ("新規取引先獲得", "書類確認", goal["id"])
    assert (await client.get(f"/api/v1/outcomes/{body['id']}")).json() == body

    url = f"/api/v1/outcomes/{body['id']}"
    patched = await client.patch(url, json={"verified": False, "kind": "deal_closed", "version": 1})
    assert patched.status_code == 200
    assert (patched.json()["verified_label"], patched.json()["kind_label"]) == ("聞き取り", "商談成立")
    assert patched.json()["version"] == 2
    assert (await client.patch(url, json={"count": 4}, headers={"If-Match": '"1"'})).status_code == 409
    assert (await client.patch(url, json={"goal_id": None})).json()["goal_id"] is None

    listed = (await client.get(_url(business))).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert (await client.delete(url)).status_code == 204
    assert await count_rows(OutcomeEvent) == 0
    assert (await client.get(url)).status_code == 404
    assert (await client.delete(url)).status_code == 404
    assert (await client.get("/api/v1/businesses/999/outcomes")).status_code == 404


async def test_defaults_and_every_kind_label(client, business):
    expected = {
        "plan_formulated": "事業計画策定",
        "new_partner": "新規取引先獲得",
        "deal_closed": "商談成立",
        "hire": "採用",
        "digital_tool": "デジタルツール導入",
        "talent_matched": "専門家・副業人材マッチング",
        "succession_done": "事業承継完了",
        "succession_executing": "事業承継実行段階",
        "closure_avoided": "廃業回避",
        "startup": "創業",
        "other": "その他",
    }
    for kind, label in expected.items():
        body = (await client.post(_url(business), json={"kind": kind, "occurred_on": "2026-04-01"})).json()
        assert (body["kind_label"], body["count"], body["verified"], body["verified_label"]) == (
            label,
            1,
            False,
            "聞き取り",
        )


async def test_goal_must_belong_to_the_business(client, business, business_payload, goal_payload, count_rows):
    other = (await client.post("/api/v1/businesses", json=business_payload | {"name": "別の事業者"})).json()
    foreign = await _goal(client, other, goal_payload)
    response = await client.post(_url(business), json=OUTCOME | {"goal_id": foreign["id"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "goal_id"
    assert (await client.post(_url(business), json=OUTCOME | {"goal_id": 999})).status_code == 422
    mine = (await client.post(_url(business), json=OUTCOME)).json()
    patched = await client.patch(f"/api/v1/outcomes/{mine['id']}", json={"goal_id": foreign["id"]})
    assert patched.status_code == 422
    assert await count_rows(OutcomeEvent) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "award"}, "kind"),
        ({"kind": None}, "kind"),
        ({"occurred_on": None}, "occurred_on"),
        ({"occurred_on": (today_in_japan() + dt.timedelta(days=1)).isoformat()}, "occurred_on"),
        ({"count": 0}, "count"),
        ({"count": 1.5}, "count"),
        ({"count": "2"}, "count"),
        ({"count": 100_001}, "count"),
        ({"note": "あ" * 1001}, "note"),
        ({"note": "bell\x07"}, "note"),
        ({"verified": "perhaps"}, "verified"),
        ({"business_id": 2}, "business_id"),
    ],
)
async def test_bad_outcome_is_422_with_the_field(client, business, count_rows, change, field):
    body = {key: value for key, value in (OUTCOME | change).items() if value is not None}
    response = await client.post(_url(business), json=body)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert await count_rows(OutcomeEvent) == 0


async def test_patch_is_validated_against_the_merged_record(client, business):
    record = (await client.post(_url(business), json=OUTCOME)).json()
    url = f"/api/v1/outcomes/{record['id']}"
    assert (await client.patch(url, json={"count": 0})).status_code == 422
    future = (today_in_japan() + dt.timedelta(days=3)).isoformat()
    assert (await client.patch(url, json={"occurred_on": future})).status_code == 422
    assert (await client.patch(url, json={"kind": None})).status_code == 422
    assert (await client.get(url)).json()["version"] == 1
