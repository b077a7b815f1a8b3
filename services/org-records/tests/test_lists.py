"""Lists page by (updated_at, id) with opaque cursors: an integration client syncs incrementally without gaps."""

from __future__ import annotations

import base64
import datetime as dt

import grpc
import pytest

from banso.records.v1 import records_pb2

pytestmark = pytest.mark.postgres

SESSION = {"held_on": "2026-06-12", "channel": "visit", "approach": "dialogue", "attitude": "positive"}


async def _businesses(client, business_payload, count, **extra):
    created = []
    for number in range(count):
        body = business_payload | {"name": f"事業者{number:02d}"} | extra
        response = await client.post("/api/v1/businesses", json=body)
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


async def _walk(client, url, params=None, limit=4):
    pages, cursor = [], None
    while True:
        query = (params or {}) | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await client.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


async def test_walking_every_page_while_rows_change_skips_nothing(client, business_payload):
    created = await _businesses(client, business_payload, 11)
    seen: list[tuple[int, int]] = []
    cursor = None
    changed_behind, changed_ahead = created[0]["id"], created[9]["id"]
    pages = 0
    while True:
        response = await client.get("/api/v1/businesses", params={"limit": 4} | ({"cursor": cursor} if cursor else {}))
        page = response.json()
        seen.extend((item["id"], item["version"]) for item in page["items"])
        pages += 1
        if pages == 1:
            # One row already read and one not yet read change between pages.
            for business_id in (changed_behind, changed_ahead):
                assert (
                    await client.patch(f"/api/v1/businesses/{business_id}", json={"employees": 9})
                ).status_code == 200
        cursor = page["next_cursor"]
        if cursor is None:
            break
    ids = [business_id for business_id, _ in seen]
    assert set(ids) == {business["id"] for business in created}
    assert len(seen) == len(set(seen))  # no row twice at the same version
    unchanged = [business_id for business_id in ids if business_id not in (changed_behind, changed_ahead)]
    assert len(unchanged) == len(set(unchanged)) == 9
    assert (changed_behind, 2) in seen and (changed_ahead, 2) in seen and (changed_ahead, 1) not in seen
    assert ids[-2:] == [changed_behind, changed_ahead]  # changed rows come last, in order of change


async def test_pages_are_ordered_by_change_and_updated_since_keeps_the_newer(client, business_payload):
    created = await _businesses(client, business_payload, 6)
    pages = await _walk(client, "/api/v1/businesses", limit=4)
    assert [len(page) for page in pages] == [4, 2]
    assert [item["id"] for page in pages for item in page] == [business["id"] for business in created]

    since = created[3]["updated_at"]
    await client.patch(f"/api/v1/businesses/{created[0]['id']}", json={"employees": 1})
    recent = (await client.get("/api/v1/businesses", params={"updated_since": since})).json()
    assert [item["id"] for item in recent["items"]] == [
        created[3]["id"],
        created[4]["id"],
        created[5]["id"],
        created[0]["id"],
    ]
    assert recent["next_cursor"] is None
    later = (dt.datetime.fromisoformat(recent["items"][-1]["updated_at"]) + dt.timedelta(seconds=1)).isoformat()
    assert (await client.get("/api/v1/businesses", params={"updated_since": later})).json()["items"] == []
    naive = dt.datetime.fromisoformat(since).astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    assert len((await client.get("/api/v1/businesses", params={"updated_since": naive})).json()["items"]) == 4


async def test_business_filters(client, business_payload):
    await _businesses(client, business_payload, 2)
    graduated = await _businesses(client, business_payload, 2, support_stage="graduated")
    found = (await client.get("/api/v1/businesses", params={"support_stage": "graduated"})).json()["items"]
    assert [item["id"] for item in found] == [business["id"] for business in graduated]
    assert (await client.get("/api/v1/businesses", params={"staff_id": 1})).json()["items"] == []
    assert (await client.get("/api/v1/businesses", params={"support_stage": "happy"})).status_code == 422


async def test_goal_filters_and_pages(client, business, business_payload, goal_payload):
    other = (await _businesses(client, business_payload, 1))[0]
    made = []
    for owner, category, status in [
        (business, "digital", "not_started"),
        (business, "sales_channel", "in_progress"),
        (other, "digital", "in_progress"),
        (business, "digital", "in_progress"),
    ]:
        body = goal_payload | {"category": category, "status": status}
        made.append((await client.post(f"/api/v1/businesses/{owner['id']}/goals", json=body)).json())

    async def ids(**params):
        return [item["id"] for page in await _walk(client, "/api/v1/goals", params, limit=1) for item in page]

    assert await ids() == [goal["id"] for goal in made]
    assert await ids(business_id=business["id"]) == [made[0]["id"], made[1]["id"], made[3]["id"]]
    assert await ids(category="digital", status="in_progress") == [made[2]["id"], made[3]["id"]]
    assert await ids(business_id=other["id"], category="sales_channel") == []
    assert await ids(staff_id=5) == []
    since = made[2]["updated_at"]
    assert await ids(updated_since=since) == [made[2]["id"], made[3]["id"]]
    for bad in ({"category": "magic"}, {"status": "done"}, {"limit": 0}, {"limit": 501}, {"updated_since": "soon"}):
        assert (await client.get("/api/v1/goals", params=bad)).status_code == 422, bad


async def test_session_list_across_businesses(client, business, business_payload):
    other = (await _businesses(client, business_payload, 1))[0]
    made = []
    for owner in (business, other, business):
        made.append((await client.post(f"/api/v1/businesses/{owner['id']}/sessions", json=SESSION)).json())
    everything = [item["id"] for page in await _walk(client, "/api/v1/sessions", limit=2) for item in page]
    assert everything == [session["id"] for session in made]
    mine = (await client.get("/api/v1/sessions", params={"business_id": business["id"]})).json()
    assert [item["id"] for item in mine["items"]] == [made[0]["id"], made[2]["id"]]
    await client.patch(f"/api/v1/sessions/{made[0]['id']}", json={"minutes": 45})
    since = (await client.get(f"/api/v1/sessions/{made[0]['id']}")).json()["updated_at"]
    recent = (await client.get("/api/v1/sessions", params={"updated_since": since})).json()["items"]
    assert [item["id"] for item in recent] == [made[0]["id"]] and recent[0]["minutes"] == 45
    assert (await client.get("/api/v1/sessions", params={"staff_id": 3})).json()["items"] == []


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "!!!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'["2026-06-01T00:00:00", 3]').decode(),  # no offset
        base64.urlsafe_b64encode(b'["2026-06-01T00:00:00+00:00", "3"]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
async def test_invalid_cursor_is_422(client, cursor):
    for url in ("/api/v1/businesses", "/api/v1/goals", "/api/v1/sessions", "/api/v1/tasks"):
        response = await client.get(url, params={"cursor": cursor})
        assert response.status_code == 422, (url, response.text)
        assert response.json()["detail"][0]["loc"][-1] == "cursor"


async def test_grpc_lists_page_with_tokens(records_stub, client, business, business_payload, goal_payload):
    await _businesses(client, business_payload, 4, support_stage="candidate")
    tokens, names, token = 0, [], ""
    while True:
        page = await records_stub.ListBusinesses(
            records_pb2.ListBusinessesRequest(support_stage="candidate", page_size=3, page_token=token)
        )
        names.extend(item.fields.name for item in page.businesses)
        token = page.next_page_token
        tokens += 1
        if not token:
            break
    assert names == [f"事業者{number:02d}" for number in range(4)] and tokens == 2

    goal = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    request = records_pb2.ListGoalsRequest(business_id=business["id"], category="sales_channel")
    request.updated_since.FromDatetime(dt.datetime.fromisoformat(goal["updated_at"]))
    goals = await records_stub.ListGoals(request)
    assert [item.id for item in goals.goals] == [goal["id"]] and goals.next_page_token == ""
    none = await records_stub.ListGoals(records_pb2.ListGoalsRequest(status="achieved"))
    assert list(none.goals) == []

    for call, bad in [
        (records_stub.ListBusinesses, records_pb2.ListBusinessesRequest(page_token="garbage")),
        (records_stub.ListBusinesses, records_pb2.ListBusinessesRequest(support_stage="happy")),
        (records_stub.ListBusinesses, records_pb2.ListBusinessesRequest(page_size=-1)),
        (records_stub.ListGoals, records_pb2.ListGoalsRequest(category="magic")),
        (records_stub.ListSessions, records_pb2.ListSessionsRequest(page_token="garbage")),
        (records_stub.ListTasks, records_pb2.ListTasksRequest(status="finished")),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call(bad)
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    big = await records_stub.ListBusinesses(records_pb2.ListBusinessesRequest(page_size=10_000))
    assert len(big.businesses) == 5
