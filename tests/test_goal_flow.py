"""A goal saved in an organization's records is found at the prefecture exchange — and nothing identifying
crosses the wire."""

from __future__ import annotations

import grpc
import nats
import pytest

from banso.events.v1 import goal_summary_pb2
from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.testing.auth import signed_in_client
from banso_core.testing.servers import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

KANAZAWA_BUSINESS = {
    "name": "株式会社山中温泉キャンプ",
    "name_kana": "ヤマナカオンセンキャンプ",
    "representative": "山中太郎",
    "address": "石川県加賀市山中温泉本町2丁目1番地",
    "phone": "0761-78-1234",
    "fax": "0761-78-1235",
    "email": "info@yamanaka-camp.example.jp",
    "website": "https://yamanaka-camp.example.jp",
    "corporate_number": "5220005002171",
    "business_form": "corporation",
    "jsic_major": "M",
    "jsic_middle": "75",
    "employees": 12,
    "capital_yen": 10_000_000,
    "support_stage": "active",
    "sharing_consent": True,
}
IDENTIFYING = [
    "name",
    "name_kana",
    "representative",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "corporate_number",
]


async def test_goal_travels_from_records_to_exchange_without_identity(federation, database_backend):
    kanazawa = await federation.start_org("kanazawa-cci", "金沢商工会議所")
    exchange = await federation.start_exchange()
    broker = await nats.connect(federation.nats.url)
    wire = await broker.subscribe("banso.goals.>")

    async with signed_in_client(kanazawa.url) as client:
        staff = (
            await client.post("/api/v1/staff", json={"display_name": "北村 担当", "email": "kitamura@cci.example"})
        ).json()
        business = await client.post("/api/v1/businesses", json=KANAZAWA_BUSINESS | {"staff_id": staff["id"]})
        assert business.status_code == 201, business.text
        goal = await client.post(
            f"/api/v1/businesses/{business.json()['id']}/goals",
            json={"set_on": "2026-05-01", "category": "new_product", "text": "サウナ棟付のキャンプ場新設"},
        )
        assert goal.status_code == 201, goal.text
        assert goal.json()["category_label"] == "新商品・サービス開発"

    async def found() -> bool:
        return (await federation.search(q="サウナ"))["total"] == 1

    await eventually(found, what="the goal in exchange search")
    result = await federation.search(q="サウナ")
    item = result["items"][0]
    assert item["text"] == "サウナ棟付のキャンプ場新設"
    assert item["org_id"] == "kanazawa-cci" and item["org_name"] == "金沢商工会議所"
    assert item["staff_name"] == "北村 担当"
    assert item["employee_band"] == "6-20" and item["employee_band_label"] == "6〜20人"
    assert item["jsic_middle_label"] == "宿泊業" and item["category_label"] == "新商品・サービス開発"
    assert item["status"] == "not_started" and item["status_label"] == "未着手"
    assert str(goal.json()["id"]) != item["goal_ref"] and len(item["goal_ref"]) == 32

    async with grpc.aio.insecure_channel(f"127.0.0.1:{exchange.app.state.grpc_port}") as channel:
        reply = await exchange_pb2_grpc.ExchangeServiceStub(channel).SearchGoals(
            exchange_pb2.SearchGoalsRequest(q="キャンプ場"),
            metadata=(("authorization", federation.exchange_headers()["Authorization"]),),
        )
    assert reply.total == 1 and reply.items[0].goal_ref == item["goal_ref"]
    assert reply.items[0].category_label == "新商品・サービス開発"

    seen = [await wire.next_msg(timeout=5)]
    while wire.pending_msgs:
        seen.append(await wire.next_msg(timeout=1))
    await broker.close()
    for msg in seen:
        raw = msg.data.decode("utf-8", errors="replace") + repr(msg.headers)
        for field in IDENTIFYING:
            assert str(KANAZAWA_BUSINESS[field]) not in raw, f"{field} crossed the wire"
        assert "12" not in goal_summary_pb2.GoalSummary.FromString(msg.data).employee_band
        assert "kitamura@cci.example" not in raw
    # The exchange answer carries none of it either.
    answer = repr(result)
    for field in IDENTIFYING:
        assert str(KANAZAWA_BUSINESS[field]) not in answer
