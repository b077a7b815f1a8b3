"""お知らせ for the organization's staff: what the notices service addressed to this organization, consumed
durably from BANSO_NOTICES, shown per role with a badge, reminders and a daily digest."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import nats
import pytest
from nats.js import JetStreamContext

from banso.events.v1 import notice_pb2
from banso_core.messaging import DEAD_LETTERS_STREAM, MSG_ID_HEADER, NOTICES_STREAM, ensure_stream, notice_subject
from banso_core.testing.servers import NatsServer, eventually

pytestmark = pytest.mark.postgres

ORG = "kaga-society"
UPSERT, DELETE = notice_pb2.NOTICE_EVENT_OP_UPSERT, notice_pb2.NOTICE_EVENT_OP_DELETE
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
async def notices_wire(nats_server: NatsServer) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await ensure_stream(js, NOTICES_STREAM)
    try:
        yield js
    finally:
        await client.close()


def notice_event(notice_id: int, title: str, *, version: int = 1, op: int = UPSERT, **fields: Any) -> bytes:
    publish_at: dt.datetime = fields.pop("publish_at", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    expires_at: dt.datetime | None = fields.pop("expires_at", None)
    message = notice_pb2.NoticeEvent(
        org_id=fields.pop("org_id", ORG),
        op=op,  # type: ignore[arg-type]
        notice_id=notice_id,
        version=version,
        kind=fields.pop("kind", "official"),
        category=fields.pop("category", "subsidy_loan"),
        title=title,
        author_org_id="ishikawa-pref",
        author_name="県 担当",
        **fields,
    )
    message.updated_at.FromDatetime(dt.datetime.now(dt.UTC))
    message.publish_at.FromDatetime(publish_at)
    if expires_at is not None:
        message.expires_at.FromDatetime(expires_at)
    return message.SerializeToString()


async def send(js: JetStreamContext, kind: str, notice_id: int, data: bytes, org_id: str = ORG) -> None:
    await js.publish(notice_subject(org_id, kind, notice_id), data, headers={MSG_ID_HEADER: uuid.uuid4().hex})


async def settled(js: JetStreamContext) -> None:
    """Wait until the organization's consumer has acknowledged everything addressed to it."""

    async def acknowledged_all() -> bool:
        try:
            consumer = await js.consumer_info(NOTICES_STREAM.name, f"notice-feed-{ORG}")
        except nats.js.errors.NotFoundError:
            return False
        return not consumer.num_pending and not consumer.num_ack_pending

    await eventually(acknowledged_all, what="the notice feed to acknowledge its messages")


async def feed(client, **params: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await client.get("/api/v1/notice-feed", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_staff_see_what_was_addressed_to_their_organization_and_role(client_as, notices_wire):
    now = dt.datetime.now(dt.UTC)
    await send(notices_wire, "notice", 1, notice_event(1, "全員へ", pinned=True, publish_at=now - dt.timedelta(days=3)))
    await send(notices_wire, "notice", 2, notice_event(2, "経営指導員へ", roles=["advisor"]))
    await send(notices_wire, "notice", 3, notice_event(3, "来週", publish_at=now + dt.timedelta(days=7)))
    await send(notices_wire, "notice", 4, notice_event(4, "終了", expires_at=now - dt.timedelta(minutes=1)))
    await send(notices_wire, "notice", 5, notice_event(5, "他団体へ", org_id="other-society"), org_id="other-society")
    await settled(notices_wire)

    async with client_as("advisor") as advisor, client_as("clerk") as clerk:
        advisor_feed = await feed(advisor)
        assert [item["title"] for item in advisor_feed["items"]] == ["全員へ", "経営指導員へ"]
        assert [(item["new"], item["reminded"]) for item in advisor_feed["items"]] == [(False, False), (True, False)]
        assert advisor_feed["badge"] == 1
        assert advisor_feed["items"][0]["category_label"] == "補助金・融資"
        assert advisor_feed["items"][0]["kind_label"] == "県からのお知らせ"
        assert [item["title"] for item in (await feed(clerk))["items"]] == ["全員へ"]
        week = await feed(clerk, since=(now - dt.timedelta(days=7)).isoformat())
        assert week["badge"] == 1


async def test_changes_apply_by_version_and_a_withdrawal_wins(client, notices_wire):
    await send(notices_wire, "notice", 1, notice_event(1, "第2版", version=2))
    await send(notices_wire, "notice", 1, notice_event(1, "第1版 (遅れて届いた)", version=1))
    await send(notices_wire, "notice", 2, notice_event(2, "取り下げ", version=1))
    await send(notices_wire, "notice", 2, notice_event(2, "取り下げ", version=2, op=DELETE))
    await send(notices_wire, "notice", 2, notice_event(2, "取り下げ", version=2))
    await settled(notices_wire)

    assert [item["title"] for item in (await feed(client))["items"]] == ["第2版"]


async def test_comments_and_reminders_reach_the_staff_who_have_not_read(client, client_as, notices_wire):
    async with client_as("advisor") as reader, client_as("advisor") as late:
        reader_id = (await reader.get("/api/v1/auth/me")).json()["id"]
        await send(notices_wire, "notice", 1, notice_event(1, "説明会のご案内"))
        for comment_id in (10, 11):
            comment = notice_pb2.NoticeCommentEvent(
                org_id=ORG, op=UPSERT, notice_id=1, comment_id=comment_id, version=1, author_org_id="nanao-cci"
            )
            comment.created_at.FromDatetime(dt.datetime.now(dt.UTC))
            await send(notices_wire, "comment", 1, comment.SerializeToString())
        withdrawn = notice_pb2.NoticeCommentEvent(org_id=ORG, op=DELETE, notice_id=1, comment_id=11, version=2)
        withdrawn.created_at.FromDatetime(dt.datetime.now(dt.UTC))
        await send(notices_wire, "comment", 1, withdrawn.SerializeToString())
        reminder = notice_pb2.NoticeReminder(
            org_id=ORG, notice_id=1, title="説明会のご案内", read_staff_ids=[reader_id]
        )
        reminder.reminded_at.FromDatetime(dt.datetime.now(dt.UTC))
        for _ in range(2):  # redelivered: applied once
            await send(notices_wire, "reminder", 1, reminder.SerializeToString())
        await settled(notices_wire)

        nothing_is_new_since = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        read_feed, late_feed = (
            await feed(reader, since=nothing_is_new_since),
            await feed(late, since=nothing_is_new_since),
        )
        assert [(item["comment_count"], item["reminded"]) for item in read_feed["items"]] == [(1, False)]
        assert [(item["comment_count"], item["reminded"]) for item in late_feed["items"]] == [(1, True)]
        assert (read_feed["badge"], late_feed["badge"]) == (0, 1)

    digest = await client.get("/api/v1/notice-feed/digest")
    assert digest.status_code == 200, digest.text
    assert ([item["title"] for item in digest.json()["items"]], digest.json()["comments"]) == (["説明会のご案内"], 1)
    yesterday = (dt.datetime.now(JST) - dt.timedelta(days=1)).date().isoformat()
    assert (await client.get("/api/v1/notice-feed/digest", params={"day": yesterday})).json()["items"] == []
    assert (await client.get("/api/v1/notice-feed/digest", params={"day": "2026-13-01"})).status_code == 422
    assert (await client.get("/api/v1/notice-feed/digest", params={"day": "9999-12-31"})).status_code == 422


async def test_a_message_addressed_to_another_organization_is_dead_lettered(client, notices_wire, anonymous_client):
    await send(notices_wire, "notice", 1, notice_event(1, "宛先違い", org_id="other-society"))
    await send(notices_wire, "notice", 2, b"\xff not protobuf")
    await send(notices_wire, "notice", 3, notice_event(3, "正しい"))
    await settled(notices_wire)

    assert [item["title"] for item in (await feed(client))["items"]] == ["正しい"]
    parked = (await notices_wire.stream_info(DEAD_LETTERS_STREAM.name)).state.messages
    assert parked == 2
    assert (await anonymous_client.get("/api/v1/notice-feed")).status_code == 401
