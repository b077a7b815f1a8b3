"""支援記録 read, changed and deleted: the same rules as recording, optimistic concurrency, and gRPC."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest

from banso.records.v1 import records_pb2
from org_records.support_session.schemas import today_in_japan

pytestmark = pytest.mark.postgres

SESSION = {
    "held_on": "2026-06-12",
    "channel": "visit",
    "minutes": 60,
    "approach": "listening",
    "attitude": "passive",
    "notes": "資金繰りの話は共有しない。",
}


@pytest.fixture
async def recorded(client, business):
    response = await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=SESSION)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": (today_in_japan() + dt.timedelta(days=1)).isoformat()}, "held_on"),
        ({"held_on": None}, "held_on"),
        ({"approach": None}, "approach"),
        ({"attitude": "angry"}, "attitude"),
        ({"channel": "fax"}, "channel"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"notes": "あ" * 10_001}, "notes"),
        ({"next_action": "次回\x00訪問"}, "next_action"),
        ({"expert_name": "あ" * 101}, "expert_name"),
        ({"staff_id": 999}, "staff_id"),
        ({"mood": "good"}, "mood"),
    ],
)
async def test_patch_is_held_to_the_rules_of_recording(client, recorded, change, field):
    response = await client.patch(f"/api/v1/sessions/{recorded['id']}", json=change)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert (await client.get(f"/api/v1/sessions/{recorded['id']}")).json() == recorded


async def test_patch_links_only_goals_of_the_same_business(client, business, business_payload, goal_payload, recorded):
    own = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    other = (await client.post("/api/v1/businesses", json=business_payload | {"name": "別の事業者"})).json()
    foreign = (await client.post(f"/api/v1/businesses/{other['id']}/goals", json=goal_payload)).json()
    refused = await client.patch(f"/api/v1/sessions/{recorded['id']}", json={"goal_ids": [own["id"], foreign["id"]]})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "goal_ids"
    linked = await client.patch(f"/api/v1/sessions/{recorded['id']}", json={"goal_ids": [own["id"]]})
    assert linked.status_code == 200 and linked.json()["goal_ids"] == [own["id"]]
    assert linked.json()["version"] == 2 and linked.json()["updated_at"] > recorded["updated_at"]


async def test_if_match_guards_a_session(client, recorded):
    url = f"/api/v1/sessions/{recorded['id']}"
    assert (await client.patch(url, json={"minutes": 30}, headers={"If-Match": '"7"'})).status_code == 409
    changed = await client.patch(url, json={"minutes": 30}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["minutes"] == 30
    assert (await client.patch(url, json={"minutes": 40}, headers={"If-Match": '"1"'})).status_code == 409
    assert (await client.patch("/api/v1/sessions/999", json={"minutes": 40})).status_code == 404
    assert (await client.delete("/api/v1/sessions/999")).status_code == 404


async def test_session_crud_through_grpc(records_stub, client, business, goal_payload):
    goal = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    created = await records_stub.CreateSession(
        records_pb2.CreateSessionRequest(
            business_id=business["id"],
            session=records_pb2.SessionInput(
                held_on="2026-06-01",
                channel="online",
                minutes=30,
                approach="directive",
                attitude="positive",
                goal_ids=[goal["id"]],
                notes="非公開メモ",
            ),
        )
    )
    record = created.session
    assert list(record.fields.goal_ids) == [goal["id"]] and record.fields.minutes == 30 and record.version == 1
    rest = (await client.get(f"/api/v1/sessions/{record.id}")).json()
    assert rest["channel_label"] == "オンライン" and rest["approach_label"] == "指導型アプローチ"
    assert (await records_stub.GetSession(records_pb2.GetSessionRequest(id=record.id))).session == record

    updated = await records_stub.UpdateSession(
        records_pb2.UpdateSessionRequest(
            id=record.id,
            session=records_pb2.SessionInput(attitude="negative"),
            update_fields=["attitude", "goal_ids"],
            expected_version=1,
        )
    )
    assert updated.session.fields.attitude == "negative" and list(updated.session.fields.goal_ids) == []
    assert updated.session.fields.notes == "非公開メモ" and updated.session.version == 2

    listed = await records_stub.ListSessions(records_pb2.ListSessionsRequest(business_id=business["id"]))
    assert [item.id for item in listed.sessions] == [record.id]

    future = (today_in_japan() + dt.timedelta(days=1)).isoformat()
    for call, request, code in [
        (
            records_stub.UpdateSession,
            records_pb2.UpdateSessionRequest(id=record.id, update_fields=["minutes"], expected_version=1),
            grpc.StatusCode.ABORTED,
        ),
        (
            records_stub.UpdateSession,
            records_pb2.UpdateSessionRequest(
                id=record.id, session=records_pb2.SessionInput(held_on=future), update_fields=["held_on"]
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            records_stub.UpdateSession,
            records_pb2.UpdateSessionRequest(id=record.id, update_fields=["approach"]),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            records_stub.CreateSession,
            records_pb2.CreateSessionRequest(
                business_id=business["id"],
                session=records_pb2.SessionInput(held_on="2026-06-01", channel="visit", approach="dialogue"),
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            records_stub.CreateSession,
            records_pb2.CreateSessionRequest(
                business_id=999,
                session=records_pb2.SessionInput(
                    held_on="2026-06-01", channel="visit", approach="dialogue", attitude="positive"
                ),
            ),
            grpc.StatusCode.NOT_FOUND,
        ),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(request)
        assert raised.value.code() == code

    await records_stub.DeleteSession(records_pb2.DeleteSessionRequest(id=record.id))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.GetSession(records_pb2.GetSessionRequest(id=record.id))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
