"""問い合わせ at the exchange: an advisor asks about another organization's shared goal; the thread is kept, the
question leaves on `banso.inquiries.<owning org>.question.<id>`, replies come back and are appended once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import grpc
import httpx
import nats
import pytest

from banso.events.v1 import inquiry_pb2
from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.messaging import (
    DEAD_LETTER_REASON_HEADER,
    INQUIRIES_STREAM,
    MSG_ID_HEADER,
    ensure_stream,
    inquiry_reply_subject,
)
from banso_core.testing.servers import eventually
from banso_core.testing.streams import stream_messages
from banso_core.tokens import Principal
from exchange.inquiry.schemas import InquiryCreate
from exchange.inquiry.service import inquiry_service

QUESTION = "サウナ棟の保健所への届出はどの順で進めましたか。"


async def post(exchange, json: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=exchange.served.url, timeout=60) as client:
        return await client.post(
            "/api/v1/inquiries", json=json, headers=exchange.headers if headers is None else headers
        )


@pytest.fixture
async def goal(store, wire) -> str:
    """A shared goal of kanazawa-cci (the exchange client asks as nanao-cci)."""
    goal_ref = wire.new_ref()
    await store.ingest([store.incoming(goal_ref)])
    return goal_ref


async def questions(nats_url: str) -> list[tuple[str, inquiry_pb2.InquiryQuestion]]:
    held = await stream_messages(nats_url, INQUIRIES_STREAM.name, "banso.inquiries.*.question.>")
    return [(msg.subject, inquiry_pb2.InquiryQuestion.FromString(msg.data)) for msg in held]


async def publish_reply(
    nats_url: str, subject: str, reply: inquiry_pb2.InquiryReply, msg_id: str | None = None
) -> None:
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        await ensure_stream(js, INQUIRIES_STREAM)
        await js.publish(subject, reply.SerializeToString(), headers={MSG_ID_HEADER: msg_id or uuid.uuid4().hex})
    finally:
        await client.close()


def reply_message(inquiry_id: str, *, org_id: str = "kanazawa-cci", reply_id: str = "r1") -> inquiry_pb2.InquiryReply:
    message = inquiry_pb2.InquiryReply(
        org_id=org_id, inquiry_id=inquiry_id, reply_id=reply_id, author_name="北村 担当", body="届出は着工前でした。"
    )
    message.replied_at.FromDatetime(dt.datetime.now(dt.UTC))
    return message


@pytest.mark.postgres
async def test_an_advisor_asks_and_the_question_is_relayed_to_the_owning_organization(
    exchange, goal, registry, nats_server
):
    response = await post(exchange, {"org_id": "kanazawa-cci", "goal_ref": goal, "body": QUESTION})
    assert response.status_code == 201, response.text
    thread = response.json()
    assert (thread["asker_org_id"], thread["asker_org_name"], thread["asker_staff_name"]) == (
        "nanao-cci", "nanao-cci", "nanao-cci 担当1"
    )  # fmt: skip
    assert (thread["owner_org_id"], thread["owner_org_name"], thread["goal_ref"]) == (
        "kanazawa-cci",
        "金沢商工会議所",
        goal,
    )
    [question] = thread["messages"]
    assert (question["kind"], question["body"], question["author_name"]) == ("question", QUESTION, "nanao-cci 担当1")

    async def relayed() -> bool:
        return len(await questions(nats_server.url)) == 1

    await eventually(relayed, what="the question on BANSO_INQUIRIES")
    [(subject, sent)] = await questions(nats_server.url)
    assert subject == f"banso.inquiries.kanazawa-cci.question.{thread['inquiry_id']}"
    assert (sent.org_id, sent.inquiry_id, sent.goal_ref, sent.body) == (
        "kanazawa-cci",
        thread["inquiry_id"],
        goal,
        QUESTION,
    )
    assert (sent.asker_org_id, sent.asker_staff_name) == ("nanao-cci", "nanao-cci 担当1")

    # Both organizations see the thread; a third does not, not even by its id.
    for org in ("nanao-cci", "kanazawa-cci"):
        listed = await exchange.get("/api/v1/inquiries", headers=registry.headers(org))
        assert [item["inquiry_id"] for item in listed.json()["items"]] == [thread["inquiry_id"]]
        opened = await exchange.get(f"/api/v1/inquiries/{thread['inquiry_id']}", headers=registry.headers(org))
        assert opened.status_code == 200 and opened.json()["messages"][0]["body"] == QUESTION
    outsider = registry.headers("ishikawa-shokoren")
    assert (await exchange.get("/api/v1/inquiries", headers=outsider)).json() == {"items": [], "total": 0}
    hidden = await exchange.get(f"/api/v1/inquiries/{thread['inquiry_id']}", headers=outsider)
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "あ" * 2001}, "body"),
        ({"body": "届出\x00は"}, "body"),
        ({"goal_ref": "g" * 65}, "goal_ref"),
        ({"org_id": ""}, "org_id"),
        ({"surprise": "x"}, "surprise"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(exchange, goal, nats_server, change, field):
    body = {"org_id": "kanazawa-cci", "goal_ref": goal, "body": QUESTION} | change
    response = await post(exchange, body)
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"])
    assert (await exchange.get("/api/v1/inquiries")).json()["total"] == 0


async def test_a_missing_field_is_named(exchange):
    response = await post(exchange, {"org_id": "kanazawa-cci", "body": QUESTION})
    assert response.status_code == 422 and "goal_ref" in str(response.json()["detail"])


async def test_own_withdrawn_and_unknown_goals_are_refused(exchange, goal, store, wire, registry):
    own = await post(
        exchange, {"org_id": "kanazawa-cci", "goal_ref": goal, "body": QUESTION}, registry.headers("kanazawa-cci")
    )
    assert own.status_code == 422 and "org_id" in str(own.json()["detail"])
    unknown = await post(exchange, {"org_id": "kanazawa-cci", "goal_ref": wire.new_ref(), "body": QUESTION})
    assert unknown.status_code == 404
    elsewhere = await post(exchange, {"org_id": "ishikawa-shokoren", "goal_ref": goal, "body": QUESTION})
    assert elsewhere.status_code == 404
    await store.ingest([store.incoming(goal, version=2, withdrawn=True)])
    withdrawn = await post(exchange, {"org_id": "kanazawa-cci", "goal_ref": goal, "body": QUESTION})
    assert withdrawn.status_code == 404
    assert (await exchange.get("/api/v1/inquiries")).json()["total"] == 0


async def test_without_a_token_or_as_a_clerk_nothing_is_asked_or_shown(exchange, goal, registry):
    body = {"org_id": "kanazawa-cci", "goal_ref": goal, "body": QUESTION}
    assert (await post(exchange, body, headers={})).status_code == 401
    assert (await exchange.get("/api/v1/inquiries", headers={})).status_code == 401
    assert (await exchange.get("/api/v1/inquiries/abc", headers={})).status_code == 401
    clerk = {"Authorization": f"Bearer {registry.token('nanao-cci', 7, role='clerk')}"}
    assert (await post(exchange, body, headers=clerk)).status_code == 403
    assert (await exchange.get("/api/v1/inquiries")).json()["total"] == 0


@pytest.mark.postgres
async def test_replies_are_appended_once_and_foreign_ones_dead_lettered(exchange, goal, wire, nats_server):
    thread = (await post(exchange, {"org_id": "kanazawa-cci", "goal_ref": goal, "body": QUESTION})).json()
    inquiry_id = thread["inquiry_id"]
    subject = inquiry_reply_subject("kanazawa-cci", inquiry_id)
    # The same reply twice (a relay that published again after a crash, with a new message id), then a second one.
    await publish_reply(nats_server.url, subject, reply_message(inquiry_id))
    await publish_reply(nats_server.url, subject, reply_message(inquiry_id))
    await publish_reply(nats_server.url, subject, reply_message(inquiry_id, reply_id="r2"))
    # Another organization answering a thread it does not own; a payload that disagrees with its subject; a thread
    # that does not exist.
    await publish_reply(
        nats_server.url, inquiry_reply_subject("ishikawa-shokoren", inquiry_id),
        reply_message(inquiry_id, org_id="ishikawa-shokoren"),
    )  # fmt: skip
    await publish_reply(nats_server.url, subject, reply_message(inquiry_id, org_id="nanao-cci"))
    await publish_reply(
        nats_server.url, inquiry_reply_subject("kanazawa-cci", "nosuchthread"), reply_message("nosuchthread")
    )

    async def three_parked() -> bool:
        return len(await wire.dead_letters()) == 3

    await eventually(three_parked, what="three replies dead-lettered")
    reasons = sorted(msg.headers[DEAD_LETTER_REASON_HEADER] for msg in await wire.dead_letters())
    assert any("not addressed to 'ishikawa-shokoren'" in reason for reason in reasons)
    assert any("differs from subject" in reason for reason in reasons)
    assert any("no inquiry 'nosuchthread'" in reason for reason in reasons)
    opened = (await exchange.get(f"/api/v1/inquiries/{inquiry_id}")).json()
    assert [(m["kind"], m["author_org_id"]) for m in opened["messages"]] == [
        ("question", "nanao-cci"), ("reply", "kanazawa-cci"), ("reply", "kanazawa-cci")
    ]  # fmt: skip
    assert opened["messages"][1]["body"] == "届出は着工前でした。"


@pytest.mark.postgres
async def test_a_question_committed_while_the_exchange_was_down_leaves_when_it_starts(
    start_exchange, store, wire, nats_server
):
    """The question row is its own outbox: committed with the thread, published by the relay, marked after."""
    goal_ref = wire.new_ref()
    await store.ingest([store.incoming(goal_ref)])
    caller = Principal(org="nanao-cci", staff=3, role="advisor", name="能登 担当")
    async with store.database.session() as session:
        thread = await inquiry_service.ask(
            session, caller, "七尾商工会議所", InquiryCreate(org_id="kanazawa-cci", goal_ref=goal_ref, body=QUESTION)
        )
        await session.commit()
    assert await questions(nats_server.url) == []
    await start_exchange()

    async def relayed() -> bool:
        return len(await questions(nats_server.url)) == 1

    await eventually(relayed, what="the pending question published")
    [(_, sent)] = await questions(nats_server.url)
    assert (sent.inquiry_id, sent.asker_org_name) == (thread.inquiry_id, "七尾商工会議所")


async def test_grpc_twins(exchange, goal, registry):
    async with grpc.aio.insecure_channel(exchange.grpc_target) as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        created = await stub.CreateInquiry(
            exchange_pb2.CreateInquiryRequest(org_id="kanazawa-cci", goal_ref=goal, body=QUESTION),
            metadata=exchange.grpc_metadata,
        )
        inquiry_id = created.inquiry.inquiry_id
        assert created.inquiry.owner_org_id == "kanazawa-cci" and created.inquiry.messages[0].body == QUESTION
        listed = await stub.ListInquiries(exchange_pb2.ListInquiriesRequest(), metadata=exchange.grpc_metadata)
        assert [item.inquiry_id for item in listed.items] == [inquiry_id] and listed.total == 1
        got = await stub.GetInquiry(
            exchange_pb2.GetInquiryRequest(inquiry_id=inquiry_id), metadata=exchange.grpc_metadata
        )
        assert got.inquiry.goal_ref == goal
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateInquiry(
                exchange_pb2.CreateInquiryRequest(org_id="kanazawa-cci", goal_ref=goal, body="x" * 2001),
                metadata=exchange.grpc_metadata,
            )
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "body" in (refused.value.details() or "")
        outsider = (("authorization", f"Bearer {registry.token('ishikawa-shokoren')}"),)
        with pytest.raises(grpc.aio.AioRpcError) as hidden:
            await stub.GetInquiry(exchange_pb2.GetInquiryRequest(inquiry_id=inquiry_id), metadata=outsider)
        assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.ListInquiries(exchange_pb2.ListInquiriesRequest())
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
