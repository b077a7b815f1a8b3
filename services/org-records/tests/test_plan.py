"""経営発達支援計画: create, read, list, replace and delete through REST and gRPC, with every validation rule."""

from __future__ import annotations

import copy
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc

from banso.records.v1 import plans_pb2, plans_pb2_grpc
from org_records.plan.models import Plan, PlanKgi, PlanKpi, PlanKpiTarget, PlanTheme

pytestmark = pytest.mark.postgres

PLAN: dict[str, Any] = {
    "title": "第3期 経営発達支援計画",
    "starts_on": "2026-04-01",
    "ends_on": "2031-03-31",
    "themes": [
        {"code": "sales", "title": "販路開拓による売上拡大"},
        {"code": "succession", "title": "事業承継の推進"},
    ],
    "kpis": [
        {
            "code": "follow_up",
            "label": "フォローアップ対象事業者数",
            "measure": "businesses_followed_up",
            "targets": {"2026": 50, "2027": 50, "2030": 55},
        },
        {
            "code": "plans",
            "label": "事業計画策定",
            "measure": "plans_formulated",
            "targets": {"2026": 50},
            "verified_only": True,
        },
    ],
    "kgis": [
        {
            "code": "margin",
            "label": "粗利率が改善した企業割合",
            "theme": "sales",
            "condition": "gross_margin_improved",
            "threshold_percent": 30,
        }
    ],
}


def plan_payload() -> dict[str, Any]:
    return copy.deepcopy(PLAN)


async def test_plan_round_trip_with_labels(client):
    created = await client.post("/api/v1/plans", json=plan_payload())
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["version"] == 1
    assert [theme["code"] for theme in plan["themes"]] == ["sales", "succession"]
    assert plan["kpis"][0]["targets"] == {"2026": 50, "2027": 50, "2030": 55}
    assert plan["kpis"][0]["measure_label"] == "フォローアップ対象事業者数"
    assert plan["kpis"][1]["verified_only"] is True
    assert plan["kgis"][0]["condition_label"] == "粗利率が改善した企業割合"
    assert plan["kgis"][0]["threshold_percent"] == 30

    fetched = await client.get(f"/api/v1/plans/{plan['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == plan
    assert fetched.headers["ETag"] == '"1"'


async def test_replace_changes_everything_and_checks_the_version(client, count_rows):
    plan = (await client.post("/api/v1/plans", json=plan_payload())).json()
    changed = plan_payload()
    changed["title"] = "第3期 経営発達支援計画（改定）"
    changed["kpis"] = [
        {"code": "follow_up", "label": "フォローアップ", "measure": "follow_up_sessions", "targets": {"2028": 70}}
    ]
    changed["kgis"][0]["threshold_percent"] = 35.5

    replaced = await client.put(f"/api/v1/plans/{plan['id']}", json=changed | {"version": 1})
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["version"] == 2
    assert body["title"] == "第3期 経営発達支援計画（改定）"
    assert body["kpis"] == [
        {
            "code": "follow_up",
            "label": "フォローアップ",
            "measure": "follow_up_sessions",
            "measure_label": "フォローアップ延べ回数",
            "targets": {"2028": 70},
            "verified_only": False,
        }
    ]
    assert body["kgis"][0]["threshold_percent"] == 35.5
    assert await count_rows(PlanKpi) == 1
    assert await count_rows(PlanKpiTarget) == 1

    stale_body = await client.put(f"/api/v1/plans/{plan['id']}", json=changed | {"version": 1})
    assert stale_body.status_code == 409
    stale_header = await client.put(f"/api/v1/plans/{plan['id']}", json=changed, headers={"If-Match": '"1"'})
    assert stale_header.status_code == 409
    current_header = await client.put(f"/api/v1/plans/{plan['id']}", json=changed, headers={"If-Match": '"2"'})
    assert current_header.status_code == 200
    assert current_header.json()["version"] == 3
    bad_header = await client.put(f"/api/v1/plans/{plan['id']}", json=changed, headers={"If-Match": "latest"})
    assert bad_header.status_code == 422


async def test_delete_removes_the_plan_and_its_parts(client, count_rows):
    plan = (await client.post("/api/v1/plans", json=plan_payload())).json()
    assert (await client.delete(f"/api/v1/plans/{plan['id']}", headers={"If-Match": '"5"'})).status_code == 409
    assert (await client.delete(f"/api/v1/plans/{plan['id']}")).status_code == 204
    assert (await client.get(f"/api/v1/plans/{plan['id']}")).status_code == 404
    assert (await client.delete(f"/api/v1/plans/{plan['id']}")).status_code == 404
    assert (await client.put(f"/api/v1/plans/{plan['id']}", json=plan_payload())).status_code == 404
    for model in (Plan, PlanTheme, PlanKpi, PlanKpiTarget, PlanKgi):
        assert await count_rows(model) == 0


async def test_list_pages_in_update_order(client):
    ids = []
    for number in range(5):
        payload = plan_payload() | {"title": f"計画 {number}"}
        ids.append((await client.post("/api/v1/plans", json=payload)).json()["id"])
    await client.put(f"/api/v1/plans/{ids[0]}", json=plan_payload() | {"title": "計画 0 改定"})

    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/plans", params=params)).json()
        seen.extend(plan["id"] for plan in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [*ids[1:], ids[0]]
    assert (await client.get("/api/v1/plans", params={"cursor": "not-a-cursor"})).status_code == 422
    assert (await client.get("/api/v1/plans", params={"limit": 501})).status_code == 422


def with_kpi(**change: Any) -> dict[str, Any]:
    payload = plan_payload()
    payload["kpis"][0] |= change
    return payload


def with_kgi(**change: Any) -> dict[str, Any]:
    payload = plan_payload()
    payload["kgis"][0] |= change
    return payload


def with_plan(**change: Any) -> dict[str, Any]:
    return plan_payload() | change


BAD_PLANS = [
    (with_plan(title=""), "title"),
    (with_plan(title="計" * 201), "title"),
    (with_plan(title="計画\x00"), "title"),
    (with_plan(ends_on="2026-04-01"), "ends_on"),
    (with_plan(ends_on="2025-03-31"), "ends_on"),
    (with_plan(starts_on="2026-02-30"), "starts_on"),
    (with_plan(themes=[*PLAN["themes"], {"code": "sales", "title": "重複"}]), "themes"),
    (with_plan(themes=[{"code": "販路 開拓", "title": "空白入りコード"}]), "code"),
    (with_kpi(measure="happiness"), "measure"),
    (with_kpi(targets={"2025": 40}), "kpis"),
    (with_kpi(targets={"2031": 40}), "kpis"),
    (with_kpi(targets={"2026": -1}), "2026"),
    (with_kpi(targets={"2026": 1.5}), "2026"),
    (with_kpi(targets={"FY2026": 50}), "[key]"),
    (with_kpi(targets=[None, None]), "targets"),
    (with_kpi(verified_only=True), "verified_only"),
    (with_plan(kpis=[PLAN["kpis"][0], PLAN["kpis"][0]]), "kpis"),
    (with_kgi(condition="be_happy"), "condition"),
    (with_kgi(theme="tourism"), "kgis"),
    (with_kgi(threshold_percent=120), "threshold_percent"),
    (with_kgi(threshold_percent=-5), "threshold_percent"),
    (with_kgi(threshold_percent=33.333), "threshold_percent"),
    (with_plan(kgis=[PLAN["kgis"][0], PLAN["kgis"][0]]), "kgis"),
    (with_plan(owner="someone"), "owner"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_PLANS)
async def test_rest_rejects_bad_plan_naming_the_field(client, payload, field, count_rows):
    response = await client.post("/api/v1/plans", json=payload)
    assert response.status_code == 422, response.text
    located = [str(error["loc"][-1]) for error in response.json()["detail"]]
    assert field in located, response.json()
    assert await count_rows(Plan) == 0
    plan = (await client.post("/api/v1/plans", json=plan_payload())).json()
    replaced = await client.put(f"/api/v1/plans/{plan['id']}", json=payload)
    assert replaced.status_code == 422
    assert (await client.get(f"/api/v1/plans/{plan['id']}")).json() == plan


async def test_unknown_codes_are_answered_with_the_known_ones(client):
    measure = (await client.post("/api/v1/plans", json=with_kpi(measure="happiness"))).json()["detail"][0]["msg"]
    assert "happiness" in measure
    assert "businesses_followed_up (フォローアップ対象事業者数)" in measure
    assert "subsidies_adopted" in measure
    condition = (await client.post("/api/v1/plans", json=with_kgi(condition="be_happy"))).json()["detail"][0]["msg"]
    assert "succession_done_or_executing (事業承継を完了または実行段階に移した企業割合)" in condition


async def test_kgi_theme_message_names_the_plan_themes(client):
    detail = (await client.post("/api/v1/plans", json=with_kgi(theme="tourism"))).json()["detail"][0]["msg"]
    assert "tourism" in detail and "'sales'" in detail and "'succession'" in detail


@pytest.fixture
def plan_stub(grpc_channel) -> plans_pb2_grpc.PlanServiceStub:
    return plans_pb2_grpc.PlanServiceStub(grpc_channel)


def plan_input(payload: dict[str, Any]) -> plans_pb2.PlanInput:
    return json_format.ParseDict(payload, plans_pb2.PlanInput())


async def test_plan_through_grpc(plan_stub, client):
    created = (await plan_stub.CreatePlan(plans_pb2.CreatePlanRequest(plan=plan_input(plan_payload())))).plan
    assert created.version == 1
    assert dict(created.fields.kpis[0].targets) == {2026: 50, 2027: 50, 2030: 55}
    assert created.fields.kpis[0].measure_label == "フォローアップ対象事業者数"
    assert created.fields.kgis[0].threshold_percent == 30
    rest = (await client.get(f"/api/v1/plans/{created.id}")).json()
    assert rest["kpis"][1]["verified_only"] is True

    fetched = (await plan_stub.GetPlan(plans_pb2.GetPlanRequest(id=created.id))).plan
    assert fetched == created

    changed = plan_payload() | {"title": "改定版"}
    updated = await plan_stub.UpdatePlan(
        plans_pb2.UpdatePlanRequest(id=created.id, plan=plan_input(changed), expected_version=1)
    )
    assert (updated.plan.version, updated.plan.fields.title) == (2, "改定版")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await plan_stub.UpdatePlan(
            plans_pb2.UpdatePlanRequest(id=created.id, plan=plan_input(changed), expected_version=1)
        )
    assert raised.value.code() == grpc.StatusCode.ABORTED

    second = (await plan_stub.CreatePlan(plans_pb2.CreatePlanRequest(plan=plan_input(plan_payload())))).plan
    first_page = await plan_stub.ListPlans(plans_pb2.ListPlansRequest(limit=1))
    assert [plan.id for plan in first_page.plans] == [created.id]
    second_page = await plan_stub.ListPlans(plans_pb2.ListPlansRequest(limit=1, cursor=first_page.next_cursor))
    assert [plan.id for plan in second_page.plans] == [second.id]
    assert second_page.next_cursor == ""
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await plan_stub.ListPlans(plans_pb2.ListPlansRequest(limit=501))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await plan_stub.DeletePlan(plans_pb2.DeletePlanRequest(id=created.id, expected_version=1))
    assert raised.value.code() == grpc.StatusCode.ABORTED
    await plan_stub.DeletePlan(plans_pb2.DeletePlanRequest(id=created.id, expected_version=2))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await plan_stub.GetPlan(plans_pb2.GetPlanRequest(id=created.id))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


GRPC_BAD_PLANS = [
    (with_kpi(measure="happiness"), "measure"),
    (with_kpi(targets={"2025": 40}), "kpis"),
    (with_kgi(condition="be_happy"), "condition"),
    (with_kgi(theme="tourism"), "kgis"),
    (with_plan(ends_on="2026-01-01"), "ends_on"),
    (with_plan(themes=[*PLAN["themes"], {"code": "sales", "title": "重複"}]), "themes"),
]


@pytest.mark.parametrize(("payload", "field"), GRPC_BAD_PLANS)
async def test_grpc_rejects_bad_plan_naming_the_field(plan_stub, payload, field, count_rows):
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await plan_stub.CreatePlan(plans_pb2.CreatePlanRequest(plan=plan_input(payload)))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in raised.value.details()
    assert await count_rows(Plan) == 0


async def test_plan_service_answers_health_checks(org_records):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{org_records.app.state.grpc_port}") as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="banso.records.v1.PlanService")
        )
    assert health.status == health_pb2.HealthCheckResponse.SERVING
