"""類似目標のお知らせ end to end: two organizations' advisors write similar goals; each sees, in their own
organization's notice feed, that the other organization has a similar goal and whom to ask — once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from banso_core.testing.auth import bearer_headers, signed_in_client
from banso_core.testing.servers import ServedApp, eventually

pytestmark = [pytest.mark.e2e]

PASSWORD = "alert-test-password"


async def advisor_with_a_goal(org: ServedApp, login: str, name: str, text: str) -> dict[str, str]:
    """An advisor of the organization, a consenting business they look after, and its goal; their sign-in."""
    async with signed_in_client(org.url) as admin:
        staff = await admin.post(
            "/api/v1/staff", json={"display_name": name, "role": "advisor", "login": login, "password": PASSWORD}
        )
        assert staff.status_code == 201, staff.text
        business = await admin.post(
            "/api/v1/businesses",
            json={"name": f"株式会社{name}の客", "business_form": "corporation", "jsic_major": "M",
                  "jsic_middle": "75", "employees": 8, "sharing_consent": True, "staff_id": staff.json()["id"]},
        )  # fmt: skip
        assert business.status_code == 201, business.text
        goal = await admin.post(
            f"/api/v1/businesses/{business.json()['id']}/goals",
            json={"set_on": "2026-05-01", "category": "new_product", "text": text, "staff_id": staff.json()["id"]},
        )
        assert goal.status_code == 201, goal.text
    return await bearer_headers(org.url, login, PASSWORD)


async def alerts_of(org: ServedApp, headers: dict[str, str]) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=org.url, headers=headers, timeout=60) as advisor:
        response = await advisor.get("/api/v1/notice-feed")
        assert response.status_code == 200, response.text
        alerts: list[dict[str, Any]] = response.json()["alerts"]
        return alerts


async def test_both_advisors_hear_of_the_similar_goal_once(federation):
    kanazawa = await federation.start_org("kanazawa-cci", "金沢商工会議所")
    nanao = await federation.start_org("nanao-cci", "七尾商工会議所")
    exchange = await federation.start_exchange()
    kitamura = await advisor_with_a_goal(kanazawa, "kitamura", "北村", "サウナ棟付のキャンプ場新設")
    noto = await advisor_with_a_goal(nanao, "noto", "能登", "サウナ棟付きのキャンプ場を新設する")
    # Someone else at 七尾 with an unrelated goal hears nothing.
    other = await advisor_with_a_goal(nanao, "wajima", "輪島", "会計ソフトを導入して月次決算を早める")

    async def both_alerted() -> bool:
        return len(await alerts_of(kanazawa, kitamura)) == 1 and len(await alerts_of(nanao, noto)) == 1

    await eventually(both_alerted, timeout=30, what="an alert in each advisor's feed")
    (to_kitamura,) = await alerts_of(kanazawa, kitamura)
    assert to_kitamura["title"] == "他団体で類似の目標が登録されました"
    assert to_kitamura["goal_text"] == "サウナ棟付のキャンプ場新設"
    assert to_kitamura["other_org_name"] == "七尾商工会議所" and to_kitamura["other_staff_name"] == "能登"
    assert to_kitamura["other_goal_text"] == "サウナ棟付きのキャンプ場を新設する"
    assert to_kitamura["category_label"] == "新商品・サービス開発" and "サウナ" in to_kitamura["shared_terms"]
    assert to_kitamura["new"] is True
    (to_noto,) = await alerts_of(nanao, noto)
    assert to_noto["other_org_name"] == "金沢商工会議所" and to_noto["other_staff_name"] == "北村"
    assert await alerts_of(nanao, other) == []

    # The path in the alert opens the other goal's 似た目標 at the exchange for any member's advisor.
    async with httpx.AsyncClient(base_url=exchange.url, headers=federation.exchange_headers(), timeout=60) as client:
        similar = await client.get(to_kitamura["other_goal_similar_path"])
        assert similar.status_code == 200, similar.text

    # A later version of one of the goals is the same pair: nobody is alerted again.
    async with signed_in_client(nanao.url) as admin:
        goals = (await admin.get("/api/v1/goals", params={"limit": 10})).json()["items"]
        sauna = next(goal for goal in goals if "サウナ" in goal["text"])
        changed = await admin.patch(f"/api/v1/goals/{sauna['id']}", json={"status": "in_progress"})
        assert changed.status_code == 200, changed.text

    async def updated_and_checked() -> bool:
        found = await federation.search(q="サウナ", status="in_progress")
        return bool(found["total"] == 1 and exchange.app.state.similar_goals.idle)

    await eventually(updated_and_checked, timeout=30, what="the new version searched for similar goals")
    assert len(await alerts_of(kanazawa, kitamura)) == 1 and len(await alerts_of(nanao, noto)) == 1
