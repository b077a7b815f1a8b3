"""期間ロック: a locked fiscal quarter refuses new sessions and changed figures until it is unlocked."""

from __future__ import annotations

import pytest

from org_records.financials.models import QuarterlyFinancials
from org_records.period_lock.models import PeriodLock
from org_records.support_session.models import SupportSession

pytestmark = pytest.mark.postgres

SESSION = {"held_on": "2025-05-12", "channel": "visit", "minutes": 45, "approach": "listening", "attitude": "positive"}
LOCKS = "/api/v1/period-locks"


async def test_lock_is_idempotent_and_listed_with_its_days(client, count_rows):
    locked = await client.put(f"{LOCKS}/2025/1")
    assert locked.status_code == 200, locked.text
    body = locked.json()
    assert (body["fiscal_year"], body["quarter"]) == (2025, 1)
    assert body["label"] == "令和7年度 第1四半期"
    assert body["fiscal_year_code"] == "FY2025"
    assert (body["starts_on"], body["ends_on"]) == ("2025-04-01", "2025-06-30")
    again = await client.put(f"{LOCKS}/2025/1")
    assert again.json()["locked_at"] == body["locked_at"]
    await client.put(f"{LOCKS}/2024/4")
    listed = (await client.get(LOCKS)).json()
    assert [(lock["fiscal_year"], lock["quarter"]) for lock in listed["items"]] == [(2024, 4), (2025, 1)]
    assert await count_rows(PeriodLock) == 2


async def test_unlock(client, count_rows):
    await client.put(f"{LOCKS}/2025/1")
    assert (await client.delete(f"{LOCKS}/2025/1")).status_code == 204
    assert await count_rows(PeriodLock) == 0
    assert (await client.delete(f"{LOCKS}/2025/1")).status_code == 404


@pytest.mark.parametrize("period", ["2025/0", "2025/5", "1999/1", "2101/4", "2025/x"])
async def test_bad_period_is_422(client, count_rows, period):
    assert (await client.put(f"{LOCKS}/{period}")).status_code == 422
    assert (await client.delete(f"{LOCKS}/{period}")).status_code == 422
    assert await count_rows(PeriodLock) == 0


async def test_locked_quarter_refuses_sessions_until_unlocked(client, business, count_rows):
    await client.put(f"{LOCKS}/2025/1")
    refused = await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=SESSION)
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"][0]["type"] == "PeriodLocked"
    assert "令和7年度 第1四半期はロックされています" in refused.json()["detail"][0]["msg"]
    assert await count_rows(SupportSession) == 0
    next_quarter = await client.post(
        f"/api/v1/businesses/{business['id']}/sessions", json=SESSION | {"held_on": "2025-07-01"}
    )
    assert next_quarter.status_code == 201
    last_day_before = await client.post(
        f"/api/v1/businesses/{business['id']}/sessions", json=SESSION | {"held_on": "2025-03-31"}
    )
    assert last_day_before.status_code == 201
    await client.delete(f"{LOCKS}/2025/1")
    assert (await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=SESSION)).status_code == 201
    assert await count_rows(SupportSession) == 3


async def test_locked_quarter_refuses_figures_until_unlocked(client, business, count_rows):
    url = f"/api/v1/businesses/{business['id']}/financials/2025/1"
    await client.put(url, json={"sales_actual": 1_000})
    await client.put(f"{LOCKS}/2025/1")
    changed = await client.put(url, json={"sales_actual": 2_000})
    assert changed.status_code == 409
    assert changed.json()["detail"][0]["type"] == "PeriodLocked"
    assert (await client.delete(url)).status_code == 409
    assert (await client.get(url)).json()["sales_actual"] == 1_000
    other_quarter = await client.put(f"/api/v1/businesses/{business['id']}/financials/2025/2", json={"sales_actual": 1})
    assert other_quarter.status_code == 201
    await client.delete(f"{LOCKS}/2025/1")
    assert (await client.put(url, json={"sales_actual": 2_000})).json()["version"] == 2
    assert (await client.delete(url)).status_code == 204
    assert await count_rows(QuarterlyFinancials) == 1


async def test_only_org_admins_lock_and_unlock_and_the_locker_is_recorded(client, client_as):
    async with client_as("lead_advisor") as lead:
        assert (await lead.put(f"{LOCKS}/2025/2")).status_code == 403
        assert (await lead.get(LOCKS)).status_code == 200
    locked = (await client.put(f"{LOCKS}/2025/2")).json()
    me = (await client.get("/api/v1/auth/me")).json()
    assert locked["locked_by_staff_id"] == me["id"]
    async with client_as("advisor") as advisor:
        assert (await advisor.delete(f"{LOCKS}/2025/2")).status_code == 403
    assert (await client.delete(f"{LOCKS}/2025/2")).status_code == 204
    unlocks = (await client.get("/api/v1/audit", params={"action": "delete"})).json()["items"]
    assert unlocks[0]["target"] == f"DELETE {LOCKS}/2025/2"


async def test_a_locked_quarter_keeps_its_sessions_from_being_changed_moved_or_deleted(client, business):
    created = await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=SESSION)
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    await client.put(f"{LOCKS}/2025/1")
    changed = await client.patch(f"/api/v1/sessions/{session_id}", json={"minutes": 60})
    assert changed.status_code == 409
    assert "ロック" in changed.json()["detail"][0]["msg"]
    moved = await client.patch(f"/api/v1/sessions/{session_id}", json={"held_on": "2025-07-01"})
    assert moved.status_code == 409
    assert (await client.delete(f"/api/v1/sessions/{session_id}")).status_code == 409
    await client.delete(f"{LOCKS}/2025/1")
    await client.put(f"{LOCKS}/2025/2")
    into_locked = await client.patch(f"/api/v1/sessions/{session_id}", json={"held_on": "2025-07-01"})
    assert into_locked.status_code == 409
    assert (await client.patch(f"/api/v1/sessions/{session_id}", json={"minutes": 60})).status_code == 200
    assert (await client.delete(f"/api/v1/sessions/{session_id}")).status_code == 204
