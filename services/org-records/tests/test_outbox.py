"""The outbox: a change and its message commit together; the relay marks a row sent only after the ack."""

from __future__ import annotations

import nats
import pytest
from sqlalchemy import func, select

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import GOALS_STREAM, MSG_ID_HEADER
from banso_core.testing.servers import eventually
from org_records.goal.models import Goal
from org_records.outbox.models import OutboxMessage

pytestmark = pytest.mark.postgres

GOAL_ROWS = OutboxMessage.subject.startswith("banso.goals.")


async def _unsent(org_records) -> int:
    """Unsent goal summaries (outcome records share the outbox, written by a background worker)."""
    async with org_records.app.state.database.session() as session:
        query = select(func.count()).select_from(OutboxMessage).where(GOAL_ROWS, OutboxMessage.sent_at.is_(None))
        return int(await session.scalar(query) or 0)


async def test_relay_publishes_with_outbox_id_and_marks_sent(client, business, org_records, nats_server, goal_payload):
    goal = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    await eventually(lambda: _zero(org_records), what="the outbox to drain")
    async with org_records.app.state.database.session() as session:
        row = (await session.scalars(select(OutboxMessage).where(GOAL_ROWS))).one()
    assert row.sent_at is not None

    broker = await nats.connect(nats_server.url)
    stored = await broker.jetstream().get_last_msg(GOALS_STREAM.name, row.subject)
    await broker.close()
    assert stored.headers[MSG_ID_HEADER] == f"kaga-society:{row.id}"
    assert "traceparent" in stored.headers
    assert goal_summary_pb2.GoalSummary.FromString(stored.data).text == goal["text"]


async def test_a_failed_request_leaves_neither_goal_nor_message(
    client, business, org_records, goal_payload, count_rows
):
    response = await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload | {"staff_id": 12345})
    assert response.status_code == 422
    assert await count_rows(Goal) == 0
    assert await count_rows(OutboxMessage) == 0


async def test_writes_keep_working_while_the_broker_is_away(client, business, org_records, nats_server, goal_payload):
    nats_server.stop()
    for number in range(5):
        response = await client.post(
            f"/api/v1/businesses/{business['id']}/goals", json=goal_payload | {"text": f"目標その{number}"}
        )
        assert response.status_code == 201
    assert await _unsent(org_records) == 5
    nats_server.start()
    await eventually(lambda: _zero(org_records), timeout=20, what="the backlog to drain after the broker returned")
    broker = await nats.connect(nats_server.url)
    info = await broker.jetstream().stream_info(GOALS_STREAM.name)
    await broker.close()
    assert info.state.messages == 5


async def _zero(org_records) -> bool:
    return await _unsent(org_records) == 0
