"""Businesses change under optimistic concurrency, and what they share follows their consent and profile."""

from __future__ import annotations

import grpc
import pytest
from sqlalchemy import select

from banso.events.v1 import goal_summary_pb2
from banso.records.v1 import records_pb2
from org_records.business.models import Business
from org_records.goal.models import Goal
from org_records.outbox.models import OutboxMessage
from org_records.support_session.models import SupportSession
from org_records.task.models import Task

pytestmark = pytest.mark.postgres

UPSERT, DELETE = goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT, goal_summary_pb2.GOAL_SUMMARY_OP_DELETE
SESSION = {"held_on": "2026-06-12", "channel": "visit", "approach": "dialogue", "attitude": "positive"}


async def _summaries(org_records) -> list[goal_summary_pb2.GoalSummary]:
    async with org_records.app.state.database.session() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload)
                .where(OutboxMessage.subject.startswith("banso.goals."))
                .order_by(OutboxMessage.id)
            )
        ).all()
    return [goal_summary_pb2.GoalSummary.FromString(payload) for payload in payloads]


async def test_patch_merges_bumps_the_version_and_keeps_labels(client, business):
    response = await client.patch(
        f"/api/v1/businesses/{business['id']}",
        json={"support_stage": "graduated", "employees": 12, "version": business["version"]},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["version"] == business["version"] + 1
    assert changed["support_stage_label"] == "卒業"
    assert changed["employees"] == 12 and changed["name"] == business["name"]
    assert changed["updated_at"] > business["updated_at"]
    again = await client.patch(f"/api/v1/businesses/{business['id']}", json={"name": "加賀漆器工房株式会社"})
    assert again.json()["version"] == business["version"] + 2
    assert (await client.get(f"/api/v1/businesses/{business['id']}")).json() == again.json()


async def test_stale_version_in_body_or_if_match_is_409(client, business):
    url = f"/api/v1/businesses/{business['id']}"
    assert (await client.patch(url, json={"employees": 5, "version": 99})).status_code == 409
    assert (await client.patch(url, json={"employees": 5}, headers={"If-Match": '"99"'})).status_code == 409
    current = await client.patch(url, json={"employees": 5}, headers={"If-Match": f'"{business["version"]}"'})
    assert current.status_code == 200 and current.json()["version"] == business["version"] + 1
    assert (await client.patch(url, json={"employees": 6}, headers={"If-Match": "W/1"})).status_code == 409
    unreadable = await client.patch(url, json={"employees": 6}, headers={"If-Match": "yesterday"})
    assert unreadable.status_code == 422
    disagree = await client.patch(url, json={"employees": 6, "version": 2}, headers={"If-Match": "3"})
    assert disagree.status_code == 422
    assert (await client.get(url)).json()["employees"] == 5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"jsic_major": "M"}, "jsic_middle"),  # the stored 中分類 32 belongs to E
        ({"corporate_number": "1234567890123"}, "corporate_number"),
        ({"name": None}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"employees": -3}, "employees"),
        ({"capital_yen": 1.5}, "capital_yen"),
        ({"support_stage": "happy"}, "support_stage"),
        ({"address": "石川県\x00加賀市"}, "address"),
        ({"staff_id": 999}, "staff_id"),
        ({"favourite_colour": "red"}, "favourite_colour"),
    ],
)
async def test_bad_patch_is_422_and_changes_nothing(client, business, change, field):
    response = await client.patch(f"/api/v1/businesses/{business['id']}", json=change)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert (await client.get(f"/api/v1/businesses/{business['id']}")).json() == business


async def test_patch_and_delete_of_a_missing_business_are_404(client):
    assert (await client.patch("/api/v1/businesses/999", json={"employees": 1})).status_code == 404
    assert (await client.delete("/api/v1/businesses/999")).status_code == 404


async def test_withdrawing_consent_tombstones_every_goal_and_restoring_it_republishes(
    client, business, goal_payload, org_records
):
    goals = [
        (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload | extra)).json()
        for extra in ({}, {"text": "補助金を活用した設備更新"}, {"shared": False})
    ]
    before = len(await _summaries(org_records))
    withdrawn = await client.patch(f"/api/v1/businesses/{business['id']}", json={"sharing_consent": False})
    assert withdrawn.status_code == 200
    tombstones = (await _summaries(org_records))[before:]
    assert [summary.op for summary in tombstones] == [DELETE, DELETE, DELETE]
    assert all(summary.version == 2 and summary.text == "" for summary in tombstones)
    preview = (await client.get(f"/api/v1/goals/{goals[0]['id']}/share-preview")).json()
    assert preview["shared"] is False
    assert (await client.get(f"/api/v1/goals/{goals[0]['id']}")).json()["version"] == 2

    restored = await client.patch(f"/api/v1/businesses/{business['id']}", json={"sharing_consent": True})
    assert restored.status_code == 200
    republished = (await _summaries(org_records))[before + 3 :]
    assert [summary.op for summary in republished] == [UPSERT, UPSERT, DELETE]  # the third goal opted out
    assert all(summary.version == 3 for summary in republished)
    assert republished[0].goal_ref == tombstones[0].goal_ref


async def test_a_profile_change_republishes_with_the_new_profile_but_a_private_change_does_not(
    client, business, goal_payload, org_records
):
    await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)
    before = len(await _summaries(org_records))
    await client.patch(f"/api/v1/businesses/{business['id']}", json={"phone": "0761-78-0002"})
    assert len(await _summaries(org_records)) == before
    await client.patch(f"/api/v1/businesses/{business['id']}", json={"employees": 30})
    (summary,) = (await _summaries(org_records))[before:]
    assert summary.op == UPSERT and summary.employee_band == "21-50" and summary.version == 2


async def test_delete_withdraws_goals_like_goal_delete_and_removes_everything_under_it(
    client, business, goal_payload, org_records, count_rows
):
    goal = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    await client.post(f"/api/v1/goals/{goal['id']}/tasks", json={"title": "見積書を取る", "owner": "business"})
    await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=SESSION | {"goal_ids": [goal["id"]]})
    before = len(await _summaries(org_records))
    assert (await client.delete(f"/api/v1/businesses/{business['id']}")).status_code == 204
    (tombstone,) = (await _summaries(org_records))[before:]
    assert tombstone.op == DELETE and tombstone.version == goal["version"] + 1
    assert (await client.get(f"/api/v1/businesses/{business['id']}")).status_code == 404
    for model in (Business, Goal, SupportSession, Task):
        assert await count_rows(model) == 0


async def test_update_and_delete_through_grpc(records_stub, client, business, goal_payload, org_records):
    await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)
    updated = await records_stub.UpdateBusiness(
        records_pb2.UpdateBusinessRequest(
            id=business["id"],
            business=records_pb2.BusinessInput(support_stage="candidate", phone=""),
            update_fields=["support_stage", "phone"],
            expected_version=business["version"],
        )
    )
    assert updated.business.fields.support_stage == "candidate"
    assert updated.business.fields.phone == "" and updated.business.version == business["version"] + 1
    assert (await client.get(f"/api/v1/businesses/{business['id']}")).json()["phone"] is None

    for request, code in [
        (records_pb2.UpdateBusinessRequest(id=business["id"], expected_version=1), grpc.StatusCode.ABORTED),
        (records_pb2.UpdateBusinessRequest(id=999, update_fields=["name"]), grpc.StatusCode.NOT_FOUND),
        (
            records_pb2.UpdateBusinessRequest(id=business["id"], update_fields=["colour"]),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            records_pb2.UpdateBusinessRequest(
                id=business["id"], business=records_pb2.BusinessInput(jsic_middle="76"), update_fields=["jsic_middle"]
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await records_stub.UpdateBusiness(request)
        assert raised.value.code() == code

    consent = await records_stub.UpdateBusiness(
        records_pb2.UpdateBusinessRequest(id=business["id"], update_fields=["sharing_consent"])
    )
    assert consent.business.fields.sharing_consent is False
    assert (await _summaries(org_records))[-1].op == DELETE

    await records_stub.DeleteBusiness(records_pb2.DeleteBusinessRequest(id=business["id"]))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.GetBusiness(records_pb2.GetBusinessRequest(id=business["id"]))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.DeleteBusiness(records_pb2.DeleteBusinessRequest(id=business["id"]))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
