"""問い合わせ受信箱: questions the exchange relays to this organization reach the goal's 担当者 (or, for a goal not
found or no longer shared, the administrators) once; replies leave through the outbox on the reply subject."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import nats
import pytest
from nats.js import JetStreamContext

from banso.events.v1 import goal_summary_pb2, inquiry_pb2
from banso_core.messaging import (
    DEAD_LETTERS_STREAM,
    GOALS_STREAM,
    INQUIRIES_STREAM,
    MSG_ID_HEADER,
    ensure_stream,
    inquiry_question_subject,
)
from banso_core.testing.auth import bearer_headers
from banso_core.testing.servers import eventually
from banso_core.testing.streams import stream_messages
from org_records.inbox.models import InboxInquiry, InboxReply

ORG = "kaga-society"
PASSWORD = "staff-password"
BUSINESS = {
    "name": "有限会社加賀漆器工房",
    "representative": "漆原 一郎",
    "business_form": "corporation",
    "jsic_major": "E",
    "jsic_middle": "32",
    "employees": 4,
    "sharing_consent": True,
}
GOAL = {"set_on": "2026-04-10", "category": "sales_channel", "text": "ECサイトで県外の新規顧客を開拓する"}
QUESTION = "ECサイトの決済代行はどこを選ばれましたか。"


@pytest.fixture
async def inquiries_wire(nats_server) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await ensure_stream(js, INQUIRIES_STREAM)
    try:
        yield js
    finally:
        await client.close()


async def advisor(client: httpx.AsyncClient, org_records, login: str) -> tuple[int, httpx.AsyncClient]:
    response = await client.post(
        "/api/v1/staff",
        json={"display_name": f"{login} 指導員", "role": "advisor", "login": login, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    headers = await bearer_headers(org_records.url, login, PASSWORD)
    return response.json()["id"], httpx.AsyncClient(base_url=org_records.url, headers=headers, timeout=60)


async def shared_goal_ref(client: httpx.AsyncClient, nats_url: str, staff_id: int) -> str:
    """A goal the advisor looks after, and its goal_ref as the organization published it to the exchange."""
    business = await client.post("/api/v1/businesses", json=BUSINESS | {"staff_id": staff_id})
    assert business.status_code == 201, business.text
    goal = await client.post(f"/api/v1/businesses/{business.json()['id']}/goals", json=GOAL | {"staff_id": staff_id})
    assert goal.status_code == 201, goal.text
    summaries: list[goal_summary_pb2.GoalSummary] = []

    async def published() -> bool:
        held = await stream_messages(nats_url, GOALS_STREAM.name, f"banso.goals.{ORG}.>")
        summaries[:] = [goal_summary_pb2.GoalSummary.FromString(msg.data) for msg in held]
        return bool(summaries)

    await eventually(published, what="the goal's summary on the goals stream")
    return summaries[-1].goal_ref


def question(inquiry_id: str, goal_ref: str, *, org_id: str = ORG, body: str = QUESTION) -> bytes:
    message = inquiry_pb2.InquiryQuestion(
        org_id=org_id,
        inquiry_id=inquiry_id,
        goal_ref=goal_ref,
        asker_org_id="nanao-cci",
        asker_org_name="七尾商工会議所",
        asker_staff_name="能登 担当",
        body=body,
    )
    message.asked_at.FromDatetime(dt.datetime.now(dt.UTC))
    return message.SerializeToString()


async def ask(js: JetStreamContext, inquiry_id: str, data: bytes, org_id: str = ORG) -> None:
    await js.publish(inquiry_question_subject(org_id, inquiry_id), data, headers={MSG_ID_HEADER: uuid.uuid4().hex})


async def settled(js: JetStreamContext) -> None:
    """Wait until this organization's consumer has acknowledged, so committed, every question sent to it."""

    async def acknowledged_all() -> bool:
        info = await js.consumer_info(INQUIRIES_STREAM.name, f"inquiries-{ORG}")
        return not info.num_pending and not info.num_ack_pending

    await eventually(acknowledged_all, what="the inquiries consumer to acknowledge everything")


async def inbox(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/inbox")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.postgres
async def test_a_question_reaches_the_goals_advisor_and_the_reply_leaves_through_the_outbox(
    client, org_records, nats_server, inquiries_wire, count_rows
):
    staff_id, kitamura = await advisor(client, org_records, "kitamura")
    _, other = await advisor(client, org_records, "yamada")
    goal_ref = await shared_goal_ref(client, nats_server.url, staff_id)
    inquiry_id = uuid.uuid4().hex
    await ask(inquiries_wire, inquiry_id, question(inquiry_id, goal_ref))
    # Redelivered (the exchange's relay published again): still one question.
    await ask(inquiries_wire, inquiry_id, question(inquiry_id, goal_ref))

    async def delivered() -> bool:
        return len(await inbox(kitamura)) == 1

    await eventually(delivered, what="the question in the advisor's inbox")
    await settled(inquiries_wire)
    assert await count_rows(InboxInquiry) == 1
    [item] = await inbox(kitamura)
    assert (item["inquiry_id"], item["goal_ref"], item["staff_id"], item["body"]) == (
        inquiry_id, goal_ref, staff_id, QUESTION
    )  # fmt: skip
    assert (item["asker_org_name"], item["asker_staff_name"]) == ("七尾商工会議所", "能登 担当")
    assert item["goal_id"] is not None and item["replies"] == []
    # Another advisor does not see it; the administrator does.
    assert await inbox(other) == []
    assert (await other.get(f"/api/v1/inbox/{inquiry_id}")).status_code == 404
    assert (await other.post(f"/api/v1/inbox/{inquiry_id}/replies", json={"body": "横から"})).status_code == 404
    assert [entry["inquiry_id"] for entry in await inbox(client)] == [inquiry_id]

    replied = await kitamura.post(f"/api/v1/inbox/{inquiry_id}/replies", json={"body": "地元の決済代行です。"})
    assert replied.status_code == 201, replied.text
    [reply] = replied.json()["replies"]
    assert (reply["author_name"], reply["body"], reply["staff_id"]) == (
        "kitamura 指導員",
        "地元の決済代行です。",
        staff_id,
    )

    async def sent() -> list[Any]:
        return await stream_messages(nats_server.url, INQUIRIES_STREAM.name, f"banso.inquiries.{ORG}.reply.>")

    await eventually(sent, what="the reply on BANSO_INQUIRIES")
    [msg] = await sent()
    assert msg.subject == f"banso.inquiries.{ORG}.reply.{inquiry_id}"
    published = inquiry_pb2.InquiryReply.FromString(msg.data)
    assert (published.org_id, published.inquiry_id, published.reply_id) == (ORG, inquiry_id, reply["id"])
    assert (published.author_name, published.body) == ("kitamura 指導員", "地元の決済代行です。")
    assert await count_rows(InboxInquiry) == 1


@pytest.mark.parametrize(
    "body", ["", "   ", "あ" * 2001, "決済\x00代行"], ids=["empty", "blank", "too-long", "control-character"]
)
async def test_a_bad_reply_is_refused_naming_the_field_and_nothing_leaves(
    client, org_records, nats_server, inquiries_wire, count_rows, body
):
    inquiry_id = uuid.uuid4().hex
    await ask(inquiries_wire, inquiry_id, question(inquiry_id, "nosuchgoal"))

    async def delivered() -> bool:
        return len(await inbox(client)) == 1

    await eventually(delivered, what="the question in the administrators' inbox")
    response = await client.post(f"/api/v1/inbox/{inquiry_id}/replies", json={"body": body})
    assert response.status_code == 422 and "body" in str(response.json()["detail"])
    assert await count_rows(InboxReply) == 0


async def test_unknown_and_withdrawn_goals_go_to_the_administrators(
    client, org_records, nats_server, inquiries_wire, anonymous_client
):
    staff_id, kitamura = await advisor(client, org_records, "kitamura")
    goal_ref = await shared_goal_ref(client, nats_server.url, staff_id)
    goals = (await client.get("/api/v1/goals", params={"staff_id": staff_id})).json()["items"]
    unshared = await client.patch(f"/api/v1/goals/{goals[0]['id']}", json={"shared": False})
    assert unshared.status_code == 200, unshared.text
    withdrawn, unknown = uuid.uuid4().hex, uuid.uuid4().hex
    await ask(inquiries_wire, withdrawn, question(withdrawn, goal_ref))
    await ask(inquiries_wire, unknown, question(unknown, "0" * 32))

    async def delivered() -> bool:
        return len(await inbox(client)) == 2

    await eventually(delivered, what="both questions in the administrators' inbox")
    assert {(item["inquiry_id"], item["staff_id"], item["goal_id"]) for item in await inbox(client)} == {
        (withdrawn, None, None), (unknown, None, None)
    }  # fmt: skip
    assert await inbox(kitamura) == []
    await kitamura.aclose()
    assert (await anonymous_client.get("/api/v1/inbox")).status_code == 401
    assert (await anonymous_client.post(f"/api/v1/inbox/{unknown}/replies", json={"body": "x"})).status_code == 401


async def test_a_question_for_another_organization_is_dead_lettered(client, nats_server, inquiries_wire):
    inquiry_id = uuid.uuid4().hex
    # Published on this organization's subject but addressed to another in its payload.
    await ask(inquiries_wire, inquiry_id, question(inquiry_id, "x", org_id="nanao-cci"))

    async def parked() -> bool:
        return bool(await stream_messages(nats_server.url, DEAD_LETTERS_STREAM.name, "banso.dead.>"))

    await eventually(parked, what="the question dead-lettered")
    assert await inbox(client) == []
