"""The services themselves on the generated topology: an organization's records service talks only to its own leaf,
the hub services to the hub with their own accounts' credentials. A goal saved while the WAN is down is found at
the exchange once it is back, a notice posted at the hub reaches the organization's feed, and a question asked
during another cut reaches the 担当者, whose reply reaches the exchange's thread."""

from __future__ import annotations

import httpx
import pytest

from banso_core.messaging import GOALS_STREAM, INQUIRIES_STREAM, NOTICES_STREAM, OUTCOMES_STREAM
from banso_core.nats_config import provision_leaf_streams
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, bearer_headers, signed_in_client
from banso_core.testing.servers import ServedApp, eventually
from exchange.app import create_app as create_exchange
from exchange.config import ExchangeSettings
from notices.app import create_app as create_notices
from notices.config import NoticesSettings
from org_records.app import create_app as create_org_records
from org_records.config import OrgRecordsSettings

pytestmark = [pytest.mark.federation, pytest.mark.e2e, pytest.mark.postgres]

KANAZAWA, NANAO = "kanazawa-cci", "nanao-cci"
KITAMURA_PASSWORD = "kitamura-password"
QUESTION = "サウナ棟の保健所への届出は、着工前と後のどちらで進めましたか。"
REPLY = "着工前に相談し、図面の段階で届出ました。"
BUSINESS = {
    "name": "株式会社山中温泉キャンプ",
    "business_form": "corporation",
    "jsic_major": "M",
    "jsic_middle": "75",
    "employees": 12,
    "support_stage": "active",
    "sharing_consent": True,
}


async def test_a_goal_and_a_notice_cross_a_wan_cut_between_the_services(federation, database_url_factory):
    kanazawa = ServedApp(
        create_org_records(
            OrgRecordsSettings(
                org_id=KANAZAWA,
                org_name="金沢商工会議所",
                database_url=await database_url_factory("kanazawa"),
                nats_url=federation.leaves[KANAZAWA].url,
                grpc_port=0,
                k_anonymity=1,
                relay_poll_seconds=0.2,
                sharing_secret="secret-of-kanazawa",
                bootstrap_admin_login=TEST_ADMIN_LOGIN,
                bootstrap_admin_password=TEST_ADMIN_PASSWORD,
                signing_key_path=federation.signing_key_file(KANAZAWA),
                federation_registry=federation.registry_path,
            )
        )
    )
    hub_services: list[ServedApp] = []
    await kanazawa.start()
    try:
        leaf = await federation.connect_leaf(KANAZAWA)

        async def leaf_has_the_services_streams() -> bool:
            held = {info.config.name for info in await leaf.jetstream().streams_info()}
            return {GOALS_STREAM.name, OUTCOMES_STREAM.name, INQUIRIES_STREAM.name, NOTICES_STREAM.name} <= held

        await eventually(leaf_has_the_services_streams, what="the records service's streams in its leaf")
        await leaf.close()
        await federation.provision()
        await provision_leaf_streams(KANAZAWA, federation.leaves[KANAZAWA].url)
        exchange = ServedApp(
            create_exchange(
                ExchangeSettings(
                    database_url=await database_url_factory("exchange"),
                    nats_url=federation.hub_url_of("exchange"),
                    grpc_port=0,
                    federation_registry=federation.registry_path,
                )
            )
        )
        notices = ServedApp(
            create_notices(
                NoticesSettings(
                    database_url=await database_url_factory("notices"),
                    nats_url=federation.hub_url_of("notices"),
                    grpc_port=0,
                    federation_registry=federation.registry_path,
                    relay_poll_seconds=0.2,
                )
            )
        )
        for service in (exchange, notices):
            await service.start()
            hub_services.append(service)

        await federation.sourcing_established(KANAZAWA)
        async with signed_in_client(kanazawa.url) as admin:
            kitamura = await admin.post(
                "/api/v1/staff",
                json={"display_name": "北村", "role": "advisor", "login": "kitamura", "password": KITAMURA_PASSWORD},
            )
            assert kitamura.status_code == 201, kitamura.text
        kitamura_headers = await bearer_headers(kanazawa.url, "kitamura", KITAMURA_PASSWORD)

        federation.links[KANAZAWA].cut()
        async with signed_in_client(kanazawa.url) as admin:
            business = await admin.post("/api/v1/businesses", json=BUSINESS | {"staff_id": kitamura.json()["id"]})
            assert business.status_code == 201, business.text
            goal = await admin.post(
                f"/api/v1/businesses/{business.json()['id']}/goals",
                json={"set_on": "2026-05-01", "category": "new_product", "text": "サウナ棟付のキャンプ場新設"},
            )
            assert goal.status_code == 201, goal.text
        async with httpx.AsyncClient(base_url=notices.url, headers=federation.staff_headers(NANAO)) as hub:
            posted = await hub.post(
                "/api/v1/notices",
                json={
                    "kind": "post",
                    "title": "七尾から 事業承継の相談会",
                    "body": "どなたでも",
                    "category": "seminar",
                },
            )
            assert posted.status_code == 201, posted.text
        federation.links[KANAZAWA].heal()

        async with httpx.AsyncClient(base_url=exchange.url, headers=federation.staff_headers(NANAO)) as advisor:

            async def found_at_the_exchange() -> bool:
                response = await advisor.get("/api/v1/goals/search", params={"q": "サウナ"})
                return response.status_code == 200 and response.json()["total"] == 1

            await eventually(found_at_the_exchange, timeout=20, what="kanazawa's goal at the exchange")
            [item] = (await advisor.get("/api/v1/goals/search", params={"q": "サウナ"})).json()["items"]
            assert (item["org_id"], item["text"], item["staff_name"]) == (
                KANAZAWA,
                "サウナ棟付のキャンプ場新設",
                "北村",
            )

            # A question asked while kanazawa is cut off again waits at the hub; the reply comes back through it.
            federation.links[KANAZAWA].cut()
            asked = await advisor.post(
                "/api/v1/inquiries", json={"org_id": KANAZAWA, "goal_ref": item["goal_ref"], "body": QUESTION}
            )
            assert asked.status_code == 201, asked.text
            inquiry_id = asked.json()["inquiry_id"]
            federation.links[KANAZAWA].heal()
            async with httpx.AsyncClient(base_url=kanazawa.url, headers=kitamura_headers) as kitamura_client:

                async def in_kitamura_s_inbox() -> bool:
                    response = await kitamura_client.get("/api/v1/inbox")
                    return [question["body"] for question in response.json()["items"]] == [QUESTION]

                await eventually(in_kitamura_s_inbox, timeout=20, what="the question in 北村's inbox")
                replied = await kitamura_client.post(f"/api/v1/inbox/{inquiry_id}/replies", json={"body": REPLY})
                assert replied.status_code == 201, replied.text

            async def answered() -> bool:
                thread = (await advisor.get(f"/api/v1/inquiries/{inquiry_id}")).json()
                return [message["body"] for message in thread["messages"]] == [QUESTION, REPLY]

            await eventually(answered, timeout=20, what="北村's reply in the exchange's thread")

        async with signed_in_client(kanazawa.url) as staff:

            async def in_kanazawa_s_feed() -> bool:
                response = await staff.get("/api/v1/notice-feed")
                return [item["title"] for item in response.json()["items"]] == ["七尾から 事業承継の相談会"]

            await eventually(in_kanazawa_s_feed, timeout=20, what="nanao's post in kanazawa's notice feed")
    finally:
        for service in hub_services:
            await service.stop()
        await kanazawa.stop()
