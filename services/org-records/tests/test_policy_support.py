"""施策支援: subsidies, loans and certifications applied for, with their results and amounts in integer yen."""

from __future__ import annotations

import datetime as dt

import pytest

from org_records.fiscal import today_in_japan
from org_records.policy_support.models import PolicySupport

pytestmark = pytest.mark.postgres

ADOPTED = {
    "kind": "subsidy",
    "program": "jizokuka_subsidy",
    "applied_on": "2026-05-20",
    "amount_requested_yen": 500_000,
    "result": "adopted",
    "decided_on": "2026-08-01",
    "amount_granted_yen": 450_000,
}


def _url(business):
    return f"/api/v1/businesses/{business['id']}/policy-supports"


async def test_default_programs_with_labels(client):
    programs = (await client.get("/api/v1/policy-supports/programs")).json()["items"]
    labels = {program["label"]: program for program in programs}
    assert len(programs) == 12
    assert labels["小規模事業者持続化補助金"]["kind"] == "subsidy"
    assert labels["小規模事業者経営改善資金（マル経融資）"]["kind_label"] == "融資"
    assert labels["事業継続力強化計画"]["kind"] == "certification"
    assert {"IT導入補助金", "ものづくり補助金", "なりわい再建支援補助金", "制度融資", "経営革新計画"} <= set(labels)


async def test_create_read_update_delete(client, business, count_rows):
    created = await client.post(_url(business), json=ADOPTED)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {name: body[name] for name in ADOPTED} == ADOPTED
    assert (body["kind_label"], body["result_label"]) == ("補助金", "採択・実行")
    assert body["program_label"] == "小規模事業者持続化補助金"
    assert body["version"] == 1
    assert (await client.get(f"/api/v1/policy-supports/{body['id']}")).json() == body

    patched = await client.patch(f"/api/v1/policy-supports/{body['id']}", json={"amount_granted_yen": 400_000})
    assert patched.json()["amount_granted_yen"] == 400_000
    assert patched.json()["version"] == 2
    unchanged = await client.patch(f"/api/v1/policy-supports/{body['id']}", json={"amount_granted_yen": 400_000})
    assert unchanged.json()["version"] == 2

    assert (await client.delete(f"/api/v1/policy-supports/{body['id']}")).status_code == 204
    assert await count_rows(PolicySupport) == 0
    assert (await client.get(f"/api/v1/policy-supports/{body['id']}")).status_code == 404
    assert (await client.patch(f"/api/v1/policy-supports/{body['id']}", json={})).status_code == 404
    assert (await client.delete(f"/api/v1/policy-supports/{body['id']}")).status_code == 404


async def test_program_label_becomes_its_code_and_own_programs_are_kept(client, business):
    by_label = await client.post(
        _url(business), json={"kind": "loan", "program": "日本政策金融公庫融資", "result": "preparing"}
    )
    assert by_label.json()["program"] == "jfc_loan"
    assert by_label.json()["program_label"] == "日本政策金融公庫融資"
    assert by_label.json()["result_label"] == "準備中"
    own = await client.post(_url(business), json={"kind": "subsidy", "program": "  加賀市伝統産業振興補助金 "})
    assert own.status_code == 201
    assert own.json()["program"] == own.json()["program_label"] == "加賀市伝統産業振興補助金"
    assert own.json()["result"] == "preparing"
    listed = (await client.get(_url(business))).json()
    assert [item["id"] for item in listed["items"]] == [by_label.json()["id"], own.json()["id"]]
    assert (await client.get("/api/v1/businesses/999/policy-supports")).status_code == 404
    assert (await client.post("/api/v1/businesses/999/policy-supports", json=ADOPTED)).status_code == 404


def _tomorrow() -> str:
    return (today_in_japan() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "grant"}, "kind"),
        ({"kind": None}, "kind"),
        ({"result": "won"}, "result"),
        ({"program": ""}, "program"),
        ({"program": "補" * 101}, "program"),
        ({"program": "持続化\x00補助金"}, "program"),
        ({"program": "経営革新計画"}, "body"),
        ({"amount_requested_yen": -1}, "amount_requested_yen"),
        ({"amount_requested_yen": 1.5}, "amount_requested_yen"),
        ({"amount_requested_yen": "500000"}, "amount_requested_yen"),
        ({"amount_granted_yen": -1}, "amount_granted_yen"),
        ({"amount_granted_yen": 100.0}, "amount_granted_yen"),
        ({"decided_on": "2026-05-19"}, "body"),
        ({"decided_on": None}, "body"),
        ({"result": "rejected"}, "body"),
        ({"result": "applied"}, "body"),
        ({"result": "preparing", "decided_on": None}, "body"),
        ({"decided_on": _tomorrow()}, "decided_on"),
        ({"applied_on": "2026-13-01"}, "applied_on"),
        ({"organization": "x"}, "organization"),
    ],
)
async def test_bad_policy_support_is_422_with_the_field(client, business, count_rows, change, field):
    body = {key: value for key, value in (ADOPTED | change).items() if value is not None}
    response = await client.post(_url(business), json=body)
    assert response.status_code == 422, response.text
    assert field in [str(part) for error in response.json()["detail"] for part in error["loc"]]
    assert await count_rows(PolicySupport) == 0


async def test_rejected_and_withdrawn(client, business):
    rejected = ADOPTED | {"result": "rejected", "amount_granted_yen": None}
    response = await client.post(_url(business), json={k: v for k, v in rejected.items() if v is not None})
    assert response.status_code == 201
    assert response.json()["result_label"] == "不採択・否決"
    withdrawn = {"kind": "other", "program": "その他の支援", "result": "withdrawn"}
    response = await client.post(_url(business), json=withdrawn)
    assert response.status_code == 201
    assert (response.json()["result_label"], response.json()["kind_label"]) == ("取下げ", "その他")


async def test_patch_is_checked_merged_and_versioned(client, business):
    record = (await client.post(_url(business), json=ADOPTED)).json()
    url = f"/api/v1/policy-supports/{record['id']}"
    assert (await client.patch(url, json={"decided_on": "2026-05-01"})).status_code == 422
    assert (await client.patch(url, json={"amount_granted_yen": 1, "version": 5})).status_code == 409
    assert (await client.patch(url, json={"amount_granted_yen": 1}, headers={"If-Match": '"5"'})).status_code == 409
    back = await client.patch(url, json={"result": "applied"}, headers={"If-Match": '"1"'})
    assert back.status_code == 200
    assert (back.json()["decided_on"], back.json()["amount_granted_yen"]) == (None, None)
    assert back.json()["version"] == 2
    refused = await client.patch(url, json={"result": "applied", "amount_granted_yen": 10})
    assert refused.status_code == 422
    assert (await client.get(url)).json()["version"] == 2
