"""Bad goal input gets 422 / INVALID_ARGUMENT naming the field, and nothing is half-written."""

from __future__ import annotations

import grpc
import pytest

from banso.records.v1 import records_pb2
from org_records.goal.models import Goal
from org_records.outbox.models import OutboxMessage

pytestmark = pytest.mark.postgres

BAD_GOALS = [
    ({"category": "world_domination"}, "category"),
    ({"status": "achieved"}, "achieved_on"),
    ({"status": "achieved", "achieved_on": "2026-04-01"}, "achieved_on"),
    ({"status": "in_progress", "achieved_on": "2026-05-01"}, "achieved_on"),
    ({"text": "あ" * 10_000}, "text"),
    ({"text": "   "}, "text"),
    ({"set_on": "2026-13-40"}, "set_on"),
    ({"status": "finished"}, "status"),
    ({"staff_id": 999}, "staff_id"),
    ({"text": "サウナ\x00棟の新設"}, "text"),
]


@pytest.mark.parametrize(("change", "field"), BAD_GOALS)
async def test_rest_rejects_bad_goal_naming_the_field(
    client, business, org_records, change, field, goal_payload, count_rows
):
    response = await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload | change)
    assert response.status_code == 422, response.text
    located = [error["loc"][-1] for error in response.json()["detail"]]
    assert field in located, response.json()
    assert await count_rows(Goal) == 0
    assert await count_rows(OutboxMessage) == 0


@pytest.mark.parametrize(("change", "field"), BAD_GOALS)
async def test_grpc_rejects_bad_goal_naming_the_field(
    records_stub, business, org_records, change, field, goal_payload, count_rows
):
    request = records_pb2.CreateGoalRequest(
        business_id=business["id"], goal=records_pb2.GoalInput(**(goal_payload | change))
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.CreateGoal(request)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in raised.value.details()
    assert await count_rows(Goal) == 0
    assert await count_rows(OutboxMessage) == 0


async def test_goal_for_a_missing_business_is_404_and_not_found(client, records_stub, goal_payload):
    response = await client.post("/api/v1/businesses/4242/goals", json=goal_payload)
    assert response.status_code == 404
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.CreateGoal(
            records_pb2.CreateGoalRequest(business_id=4242, goal=records_pb2.GoalInput(**goal_payload))
        )
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


async def test_patch_checks_the_merged_goal_and_the_version(
    client, business, org_records, goal_payload, count_goal_messages
):
    goal = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    response = await client.patch(f"/api/v1/goals/{goal['id']}", json={"status": "achieved"})
    assert response.status_code == 422
    assert "achieved_on" in [error["loc"][-1] for error in response.json()["detail"]]

    stale = await client.patch(f"/api/v1/goals/{goal['id']}", json={"text": "新しい目標", "version": 7})
    assert stale.status_code == 409

    achieved = await client.patch(
        f"/api/v1/goals/{goal['id']}",
        json={"status": "achieved", "achieved_on": "2026-09-30", "version": goal["version"]},
    )
    assert achieved.status_code == 200, achieved.text
    assert achieved.json()["version"] == goal["version"] + 1
    assert achieved.json()["status_label"] == "達成"
    reopened = await client.patch(f"/api/v1/goals/{goal['id']}", json={"status": "in_progress"})
    assert reopened.status_code == 200 and reopened.json()["achieved_on"] is None
    assert await count_goal_messages() == 3


async def test_goal_crud_through_rest_and_grpc(client, records_stub, business, goal_payload):
    created = await records_stub.CreateGoal(
        records_pb2.CreateGoalRequest(business_id=business["id"], goal=records_pb2.GoalInput(**goal_payload))
    )
    goal_id = created.goal.id
    assert created.goal.fields.category == "sales_channel" and created.goal.version == 1
    assert (await client.get(f"/api/v1/goals/{goal_id}")).json()["text"] == goal_payload["text"]

    updated = await records_stub.UpdateGoal(
        records_pb2.UpdateGoalRequest(
            id=goal_id, goal=records_pb2.GoalInput(status="in_progress"), update_fields=["status"], expected_version=1
        )
    )
    assert updated.goal.fields.status == "in_progress" and updated.goal.version == 2
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.UpdateGoal(
            records_pb2.UpdateGoalRequest(
                id=goal_id, goal=records_pb2.GoalInput(status="paused"), update_fields=["status"], expected_version=1
            )
        )
    assert raised.value.code() == grpc.StatusCode.ABORTED

    await records_stub.DeleteGoal(records_pb2.DeleteGoalRequest(id=goal_id))
    assert (await client.get(f"/api/v1/goals/{goal_id}")).status_code == 404
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.GetGoal(records_pb2.GetGoalRequest(id=goal_id))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
