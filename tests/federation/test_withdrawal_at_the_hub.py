"""A withdrawn goal leaves no text on the way to the hub: the organization's leaf stream and its OUTBOX at the hub
keep only the newest message of a goal's subject, so the tombstone replaces the summary (the hub services purge
their own streams, see tests/test_withdrawal.py)."""

from __future__ import annotations

import pytest
from nats.js.errors import NotFoundError

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import GOALS_STREAM, goal_subject
from banso_core.nats_config import OUTBOX_STREAM, provision_leaf_streams
from banso_core.testing.servers import eventually

pytestmark = pytest.mark.federation

KANAZAWA = "kanazawa-cci"


async def test_the_tombstone_replaces_the_summary_in_the_organization_s_outbox(federation):
    subject = goal_subject(KANAZAWA, "ref-sauna")
    summary = goal_summary_pb2.GoalSummary(
        org_id=KANAZAWA,
        goal_ref="ref-sauna",
        version=1,
        text="サウナ付き宿泊施設",
        op=goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
    )
    tombstone = goal_summary_pb2.GoalSummary(
        org_id=KANAZAWA, goal_ref="ref-sauna", version=2, op=goal_summary_pb2.GOAL_SUMMARY_OP_DELETE
    )
    leaf = await federation.connect_leaf(KANAZAWA)
    try:
        js = leaf.jetstream()
        await js.add_stream(GOALS_STREAM.config())
        await federation.provision()
        await provision_leaf_streams(KANAZAWA, federation.leaves[KANAZAWA].url)
        await js.publish(subject, summary.SerializeToString())
        await js.publish(subject, tombstone.SerializeToString())
        assert (await js.stream_info(GOALS_STREAM.name)).state.messages == 1
    finally:
        await leaf.close()
    hub = await federation.connect_hub_account(federation.registry.organization(KANAZAWA).account)
    try:
        hub_js = hub.jetstream()

        async def tombstone_arrived() -> bool:
            try:
                last = await hub_js.get_last_msg(OUTBOX_STREAM, subject)
            except NotFoundError:
                return False
            return goal_summary_pb2.GoalSummary.FromString(last.data).op == goal_summary_pb2.GOAL_SUMMARY_OP_DELETE

        await eventually(tombstone_arrived, what="the tombstone in the organization's OUTBOX at the hub")
        info = await hub_js.stream_info(OUTBOX_STREAM)
        assert info.state.messages == 1
        held = goal_summary_pb2.GoalSummary.FromString((await hub_js.get_last_msg(OUTBOX_STREAM, subject)).data)
        assert held.op == goal_summary_pb2.GOAL_SUMMARY_OP_DELETE and not held.text
    finally:
        await hub.close()
