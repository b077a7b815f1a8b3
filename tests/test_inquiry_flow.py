"""問い合わせ end to end: an advisor of 七尾 finds a goal of 金沢 at the exchange and asks its 担当者; the question
travels over NATS to 金沢's records service, reaches the 担当者's inbox, and the reply travels back into the thread.
Afterwards the exchange's database holds nothing that identifies the business."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import inspect

from banso_core.testing.auth import bearer_headers, signed_in_client
from banso_core.testing.servers import ServedApp, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

PASSWORD = "inquiry-test-password"
BUSINESS = {
    "name": "有限会社湯涌アウトドア",
    "name_kana": "ユワクアウトドア",
    "representative": "湯川 一郎",
    "address": "石川県金沢市湯涌町イ1-2",
    "phone": "076-235-0001",
    "email": "info@yuwaku-outdoor.example.jp",
    "corporate_number": "5220002001234",
    "business_form": "corporation",
    "jsic_major": "M",
    "jsic_middle": "75",
    "employees": 8,
    "sharing_consent": True,
}
IDENTIFYING = (
    "湯涌アウトドア",
    "ユワクアウトドア",
    "湯川",
    "湯涌町",
    "076-235-0001",
    "yuwaku-outdoor",
    "5220002001234",
)
QUESTION = "サウナ棟の保健所への届出は、着工前と後のどちらで進めましたか。"
REPLY = "着工前に相談し、図面の段階で届出ました。詳しくはお電話で。"


async def advisor(org: ServedApp, login: str, name: str) -> tuple[int, dict[str, str]]:
    async with signed_in_client(org.url) as admin:
        staff = await admin.post(
            "/api/v1/staff", json={"display_name": name, "role": "advisor", "login": login, "password": PASSWORD}
        )
        assert staff.status_code == 201, staff.text
    return staff.json()["id"], await bearer_headers(org.url, login, PASSWORD)


async def get_json(base_url: str, path: str, headers: dict[str, str]) -> Any:
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return response.json()


async def every_row(exchange: ServedApp) -> list[str]:
    """Every row of every table of the exchange's database (the search index's tables included), as text."""
    async with exchange.app.state.database.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        rows: list[str] = []
        for name in names:
            result = await connection.exec_driver_sql(f'SELECT * FROM "{name}"')
            rows.extend(f"{name}: {row!r}" for row in result.all())
    assert "inquiry" in names and "inquiry_message" in names and "shared_goal" in names
    return rows


async def test_two_advisors_exchange_an_inquiry_and_the_exchange_keeps_no_business_identity(federation):
    kanazawa = await federation.start_org("kanazawa-cci", "金沢商工会議所")
    nanao = await federation.start_org("nanao-cci", "七尾商工会議所")
    exchange = await federation.start_exchange()
    kitamura_id, kitamura = await advisor(kanazawa, "kitamura", "北村")
    _, noto = await advisor(nanao, "noto", "能登")
    async with signed_in_client(kanazawa.url) as admin:
        business = await admin.post("/api/v1/businesses", json=BUSINESS | {"staff_id": kitamura_id})
        assert business.status_code == 201, business.text
        goal = await admin.post(
            f"/api/v1/businesses/{business.json()['id']}/goals",
            json={"set_on": "2026-05-01", "category": "new_product", "text": "サウナ棟付のキャンプ場新設",
                  "staff_id": kitamura_id},
        )  # fmt: skip
        assert goal.status_code == 201, goal.text

    # 能登 (七尾) finds the goal at the exchange, with 団体名 and 担当者, and asks.
    found: list[dict[str, Any]] = []

    async def searchable() -> bool:
        found[:] = (await get_json(exchange.url, "/api/v1/goals/search?q=サウナ", noto))["items"]
        return len(found) == 1

    await eventually(searchable, timeout=30, what="the goal searchable at the exchange")
    [hit] = found
    assert (hit["org_name"], hit["staff_name"]) == ("金沢商工会議所", "北村")
    async with httpx.AsyncClient(base_url=exchange.url, headers=noto, timeout=60) as client:
        asked = await client.post(
            "/api/v1/inquiries", json={"org_id": hit["org_id"], "goal_ref": hit["goal_ref"], "body": QUESTION}
        )
    assert asked.status_code == 201, asked.text
    inquiry_id = asked.json()["inquiry_id"]

    # 北村 finds it in 金沢's inbox and replies.
    async def in_inbox() -> bool:
        return len((await get_json(kanazawa.url, "/api/v1/inbox", kitamura))["items"]) == 1

    await eventually(in_inbox, timeout=30, what="the question in 北村's inbox")
    [received] = (await get_json(kanazawa.url, "/api/v1/inbox", kitamura))["items"]
    assert (received["inquiry_id"], received["body"], received["staff_id"]) == (inquiry_id, QUESTION, kitamura_id)
    assert (received["asker_org_name"], received["asker_staff_name"]) == ("七尾商工会議所", "能登")
    async with httpx.AsyncClient(base_url=kanazawa.url, headers=kitamura, timeout=60) as client:
        replied = await client.post(f"/api/v1/inbox/{inquiry_id}/replies", json={"body": REPLY})
    assert replied.status_code == 201, replied.text

    # The reply arrives in the thread, which both advisors see.
    async def answered() -> bool:
        thread = await get_json(exchange.url, f"/api/v1/inquiries/{inquiry_id}", noto)
        return len(thread["messages"]) == 2

    await eventually(answered, timeout=30, what="the reply in the exchange's thread")
    thread = await get_json(exchange.url, f"/api/v1/inquiries/{inquiry_id}", noto)
    assert [(m["kind"], m["author_name"], m["body"]) for m in thread["messages"]] == [
        ("question", "能登", QUESTION), ("reply", "北村", REPLY)
    ]  # fmt: skip
    kitamura_at_exchange = await get_json(exchange.url, "/api/v1/inquiries", kitamura)
    assert [item["inquiry_id"] for item in kitamura_at_exchange["items"]] == [inquiry_id]

    # Nothing of the business anywhere in the exchange's tables.
    rows = await every_row(exchange)
    assert any(QUESTION in row for row in rows) and any(REPLY in row for row in rows)
    leaks = [(needle, row) for row in rows for needle in IDENTIFYING if needle in row]
    assert leaks == []
