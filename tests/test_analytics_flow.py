"""End to end: support recorded in two organizations' own records reaches the prefecture's analytics tables through
their outcome records, each organization reads itself next to the prefecture, and a business that withdraws its
consent disappears from every table (sharing-policy.md §4–§7)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from analytics.app import create_app as create_analytics
from analytics.config import AnalyticsSettings
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, bearer_headers, signed_in_client
from banso_core.testing.servers import ServedApp, eventually

pytestmark = [pytest.mark.e2e]

ORGS = {"kanazawa-cci": ("金沢商工会議所", "cci"), "nanao-cci": ("七尾商工会議所", "cci")}


def business(name: str) -> dict[str, Any]:
    return {"name": name, "business_form": "corporation", "jsic_major": "I", "jsic_middle": "58",
            "employees": 3, "sharing_consent": True}  # fmt: skip


async def record_support(client: httpx.AsyncClient, name: str) -> int:
    created = await client.post("/api/v1/businesses", json=business(name))
    assert created.status_code == 201, created.text
    business_id = int(created.json()["id"])
    for held_on, approach, attitude in (
        ("2025-04-15", "listening", "positive"),
        ("2025-05-20", "dialogue", "negative"),
    ):
        session = await client.post(
            f"/api/v1/businesses/{business_id}/sessions",
            json={"held_on": held_on, "channel": "visit", "approach": approach, "attitude": attitude},
        )
        assert session.status_code == 201, session.text
    return business_id


async def test_records_of_two_organizations_reach_the_tables_and_a_withdrawn_business_leaves(federation):
    for org_id, (name, _) in ORGS.items():
        await federation.start_org(org_id, name, outcome_records_gather_seconds=0.05)
    federation.registry.add("ishikawa-pref", "prefecture")
    settings = AnalyticsSettings(
        database_url=await federation.make_database_url("analytics"),
        nats_url=federation.nats.url,
        grpc_port=0,
        federation_registry=federation.registry.path,
        min_businesses=2,
    )
    analytics = ServedApp(create_analytics(settings))
    await analytics.start()
    try:
        ids: dict[str, list[int]] = {}
        for org_id, names in (
            ("kanazawa-cci", ["株式会社塗師屋", "株式会社棒茶本舗"]),
            ("nanao-cci", ["能登水産", "七尾旅館"]),
        ):
            async with signed_in_client(federation.orgs[org_id].url) as client:
                ids[org_id] = [await record_support(client, name) for name in names]
        prefecture = {"Authorization": "Bearer " + federation.registry.token("ishikawa-pref", role="prefecture")}

        async def table(headers: dict[str, str], name: str = "org-vs-prefecture") -> dict[str, dict[str, Any]]:
            async with httpx.AsyncClient(base_url=analytics.url, headers=headers, timeout=60) as client:
                response = await client.get(f"/api/v1/tables/{name}", params={"fiscal_year": 2025})
                assert response.status_code == 200, response.text
                return {row["org"]: row for row in response.json()["rows"]}

        async def counted(expected: dict[str, int | None], sessions: int) -> bool:
            rows = await table(prefecture)
            businesses = {org: row["businesses"] for org, row in rows.items()}
            return businesses == expected and rows["total"]["sessions"] == sessions

        await eventually(
            lambda: counted({"kanazawa-cci": 2, "nanao-cci": 2, "total": 4}, sessions=8),
            timeout=30,
            what="both organizations' records in the analytics tables",
        )
        rows = await table(prefecture)
        assert rows["total"]["sessions"] == 8 and rows["kanazawa-cci"]["org_label"] == "金沢商工会議所"
        cross = await table(prefecture, "approach-attitude")
        assert cross["total"]["sessions"] == 8

        # 七尾's own staff see 七尾 next to the prefecture, and nothing of 金沢.
        nanao_staff = await bearer_headers(federation.orgs["nanao-cci"].url, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)
        assert set(await table(nanao_staff)) == {"nanao-cci", "total"}

        # 金沢 withdraws one business's consent: it leaves the tables; 金沢 alone would now rest on one business.
        async with signed_in_client(federation.orgs["kanazawa-cci"].url) as client:
            withdrawn = await client.patch(
                f"/api/v1/businesses/{ids['kanazawa-cci'][0]}", json={"sharing_consent": False}
            )
            assert withdrawn.status_code == 200, withdrawn.text
        await eventually(
            lambda: counted({"kanazawa-cci": None, "nanao-cci": None, "total": 3}, sessions=6),
            timeout=30,
            what="the withdrawn business gone from the tables",
        )
        rows = await table(prefecture)
        assert rows["kanazawa-cci"]["suppressed"] and rows["total"]["sessions"] == 6
    finally:
        await analytics.stop()
