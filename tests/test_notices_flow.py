"""お知らせ across the federation: the prefecture posts at the hub with a token of its own entry, and each
organization's records service shows its staff what was addressed to them — also one that was offline."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from banso_core.testing.auth import bearer_headers, signed_in_client
from banso_core.testing.servers import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ADMIN = ("admin", "admin-password")


async def feed_titles(org) -> list[str]:  # type: ignore[no-untyped-def]
    async with signed_in_client(org.url) as staff:
        response = await staff.get("/api/v1/notice-feed")
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]


async def test_an_organization_that_was_offline_catches_up_on_the_prefectures_notice(federation):
    federation.registry.add("ishikawa-pref", "prefecture")
    federation.registry.add("kanazawa-cci", "cci")
    federation.registry.add("hakui-society", "society")
    notices = await federation.start_notices()
    prefecture = await federation.start_org("ishikawa-pref", "石川県 経営支援課", org_kind="prefecture")
    await federation.start_org("kanazawa-cci", "金沢商工会議所", org_kind="cci")
    hakui = await federation.start_org("hakui-society", "羽咋商工会", org_kind="society")
    await federation.stop_org("kanazawa-cci")

    # The prefecture's staff sign in at their own entry and post at the hub with that token.
    headers = await bearer_headers(prefecture.url, *ADMIN)
    async with httpx.AsyncClient(base_url=notices.url, headers=headers, timeout=60) as hub:

        async def post(**fields: Any) -> dict[str, Any]:
            response = await hub.post("/api/v1/notices", json=fields)
            assert response.status_code == 201, response.text
            created: dict[str, Any] = response.json()
            return created

        for_chambers = await post(
            kind="official",
            title="商工会議所向け 事業承継セミナー",
            body="**10月15日** 金沢で開催します。",
            category="seminar",
            audience={"org_kinds": ["cci"]},
        )
        await post(
            kind="official",
            title="能登半島地震 なりわい再建支援補助金 第5次公募",
            body="全団体の皆さまへ",
            category="disaster_support",
        )

        async def hakui_has_the_notice_for_everyone() -> bool:
            return await feed_titles(hakui) == ["能登半島地震 なりわい再建支援補助金 第5次公募"]

        await eventually(hakui_has_the_notice_for_everyone, timeout=20, what="羽咋商工会's feed (online)")

        kanazawa = await federation.restart_org("kanazawa-cci")

        async def kanazawa_caught_up() -> bool:
            return set(await feed_titles(kanazawa)) == {
                "商工会議所向け 事業承継セミナー",
                "能登半島地震 なりわい再建支援補助金 第5次公募",
            }

        await eventually(kanazawa_caught_up, timeout=20, what="金沢商工会議所's feed after it came back")
        assert await feed_titles(hakui) == ["能登半島地震 なりわい再建支援補助金 第5次公募"]

        # Kanazawa's staff open the notice at the hub with their own organization's token, and the prefecture
        # sees who read it.
        kanazawa_headers = await bearer_headers(kanazawa.url, *ADMIN)
        read = await hub.post(f"/api/v1/notices/{for_chambers['id']}/read", headers=kanazawa_headers)
        assert read.status_code == 200, read.text
        hakui_headers = await bearer_headers(hakui.url, *ADMIN)
        hidden = await hub.get(f"/api/v1/notices/{for_chambers['id']}", headers=hakui_headers)
        assert hidden.status_code == 404
        receipts = (await hub.get(f"/api/v1/notices/{for_chambers['id']}/receipts")).json()
        assert [(org["org_id"], org["read_count"], org["unread"]) for org in receipts["organizations"]] == [
            ("kanazawa-cci", 1, False)
        ]
