"""課題・行動タスク under a goal: validated, versioned, listed, through REST and gRPC."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest

from banso.records.v1 import records_pb2
from org_records.support_session.schemas import today_in_japan
from org_records.task.models import Task

pytestmark = pytest.mark.postgres

TASK = {"title": "見積書を3社から取る", "owner": "business", "due_on": "2026-07-31"}


@pytest.fixture
async def goal(client, business, goal_payload):
    response = await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)
    assert response.status_code == 201, response.text
    return response.json()


async def test_task_round_trip_with_labels(client, goal):
    response = await client.post(f"/api/v1/goals/{goal['id']}/tasks", json=TASK)
    assert response.status_code == 201, response.text
    task = response.json()
    assert task["goal_id"] == goal["id"] and task["version"] == 1
    assert task["status"] == "open" and task["status_label"] == "未着手"
    assert task["owner_label"] == "事業者" and task["done_on"] is None
    assert (await client.get(f"/api/v1/tasks/{task['id']}")).json() == task


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "あ" * 201}, "title"),
        ({"title": "見積\x07書"}, "title"),
        ({"owner": "prefecture"}, "owner"),
        ({"owner": None}, "owner"),
        ({"status": "finished"}, "status"),
        ({"status": "done"}, "done_on"),
        ({"status": "doing", "done_on": "2026-05-01"}, "done_on"),
        ({"status": "done", "done_on": (today_in_japan() + dt.timedelta(days=1)).isoformat()}, "done_on"),
        ({"status": "done", "done_on": "2026-04-09"}, "done_on"),  # before the goal's 設定日 2026-04-10
        ({"due_on": "31/07/2026"}, "due_on"),
        ({"assignee": "北村"}, "assignee"),
    ],
)
async def test_bad_task_is_422_with_the_field(client, goal, count_rows, change, field):
    body = {key: value for key, value in (TASK | change).items() if value is not None}
    response = await client.post(f"/api/v1/goals/{goal['id']}/tasks", json=body)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert await count_rows(Task) == 0


async def test_task_of_a_missing_goal_is_404(client):
    assert (await client.post("/api/v1/goals/999/tasks", json=TASK)).status_code == 404
    assert (await client.get("/api/v1/goals/999/tasks")).status_code == 404
    assert (await client.get("/api/v1/tasks/999")).status_code == 404
    assert (await client.patch("/api/v1/tasks/999", json={"title": "x"})).status_code == 404
    assert (await client.delete("/api/v1/tasks/999")).status_code == 404


async def test_update_checks_the_version_and_the_merged_task(client, goal):
    task = (await client.post(f"/api/v1/goals/{goal['id']}/tasks", json=TASK)).json()
    url = f"/api/v1/tasks/{task['id']}"
    assert (await client.patch(url, json={"status": "done"})).status_code == 422
    done = await client.patch(url, json={"status": "done", "done_on": "2026-06-30", "version": 1})
    assert done.status_code == 200, done.text
    assert done.json()["status_label"] == "完了" and done.json()["version"] == 2
    assert (await client.patch(url, json={"title": "古い画面から", "version": 1})).status_code == 409
    assert (await client.patch(url, json={"title": "古い画面から"}, headers={"If-Match": '"1"'})).status_code == 409
    reopened = await client.patch(url, json={"status": "on_hold"}, headers={"If-Match": '"2"'})
    assert reopened.status_code == 200
    assert reopened.json()["done_on"] is None and reopened.json()["status_label"] == "保留"
    assert (await client.patch(url, json={"done_on": "2026-06-30"})).status_code == 422
    assert (await client.patch(url, json={"title": None})).status_code == 422
    assert (await client.get(url)).json()["version"] == 3
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_tasks_of_a_goal_are_listed_and_go_with_the_goal(client, goal, business, goal_payload, count_rows):
    other_goal = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    made = [
        (await client.post(f"/api/v1/goals/{goal['id']}/tasks", json=TASK | {"title": f"タスク{number}"})).json()
        for number in range(3)
    ]
    await client.post(f"/api/v1/goals/{other_goal['id']}/tasks", json=TASK)
    first = (await client.get(f"/api/v1/goals/{goal['id']}/tasks", params={"limit": 2})).json()
    second = (
        await client.get(f"/api/v1/goals/{goal['id']}/tasks", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert [item["id"] for item in first["items"] + second["items"]] == [task["id"] for task in made]
    assert second["next_cursor"] is None
    await client.patch(f"/api/v1/tasks/{made[0]['id']}", json={"status": "doing"})
    doing = (await client.get("/api/v1/tasks", params={"status": "doing"})).json()["items"]
    assert [item["id"] for item in doing] == [made[0]["id"]]
    assert len((await client.get("/api/v1/tasks")).json()["items"]) == 4
    assert (await client.delete(f"/api/v1/goals/{goal['id']}")).status_code == 204
    assert await count_rows(Task) == 1


async def test_task_crud_through_grpc(records_stub, client, goal):
    created = await records_stub.CreateTask(
        records_pb2.CreateTaskRequest(
            goal_id=goal["id"], task=records_pb2.TaskInput(title="補助金の申請書を書く", owner="advisor")
        )
    )
    task = created.task
    assert task.fields.status == "open" and task.version == 1 and task.goal_id == goal["id"]
    fetched = await records_stub.GetTask(records_pb2.GetTaskRequest(id=task.id))
    assert fetched.task == task
    updated = await records_stub.UpdateTask(
        records_pb2.UpdateTaskRequest(
            id=task.id,
            task=records_pb2.TaskInput(status="done", done_on="2026-05-20"),
            update_fields=["status", "done_on"],
            expected_version=1,
        )
    )
    assert updated.task.fields.done_on == "2026-05-20" and updated.task.version == 2
    assert (await client.get(f"/api/v1/tasks/{task.id}")).json()["status_label"] == "完了"
    listed = await records_stub.ListTasks(records_pb2.ListTasksRequest(goal_id=goal["id"]))
    assert [item.id for item in listed.tasks] == [task.id]

    for call, request, code in [
        (
            records_stub.UpdateTask,
            records_pb2.UpdateTaskRequest(id=task.id, expected_version=1),
            grpc.StatusCode.ABORTED,
        ),
        (
            records_stub.UpdateTask,
            records_pb2.UpdateTaskRequest(id=task.id, update_fields=["done_on"]),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            records_stub.CreateTask,
            records_pb2.CreateTaskRequest(goal_id=goal["id"], task=records_pb2.TaskInput(title="x", owner="nobody")),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            records_stub.CreateTask,
            records_pb2.CreateTaskRequest(goal_id=999, task=records_pb2.TaskInput(title="x", owner="business")),
            grpc.StatusCode.NOT_FOUND,
        ),
        (records_stub.ListTasks, records_pb2.ListTasksRequest(goal_id=999), grpc.StatusCode.NOT_FOUND),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(request)
        assert raised.value.code() == code

    await records_stub.DeleteTask(records_pb2.DeleteTaskRequest(id=task.id))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await records_stub.GetTask(records_pb2.GetTaskRequest(id=task.id))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
