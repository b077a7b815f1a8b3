"""GoalSummary → `banso.events.v1.GoalSummary` bytes on `banso.goals.<org>.<goal_ref>`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import goal_subject

if TYPE_CHECKING:
    from org_records.sharing.service import GoalSummary

_OPS = {
    "upsert": goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
    "delete": goal_summary_pb2.GOAL_SUMMARY_OP_DELETE,
}


def goal_summary_subject(org_id: str, goal_ref: str) -> str:
    return goal_subject(org_id, goal_ref)


def encode_goal_summary(summary: GoalSummary) -> bytes:
    contract_fields = set(goal_summary_pb2.GoalSummary.DESCRIPTOR.fields_by_name)
    allowed_fields = {field.name for field in dataclasses.fields(summary)}
    if contract_fields != allowed_fields:
        # The wire contract and the sharing allow-list must move together, by a change to both.
        raise RuntimeError(f"GoalSummary contract differs from the allow-list: {contract_fields ^ allowed_fields}")
    message = goal_summary_pb2.GoalSummary(
        goal_ref=summary.goal_ref,
        op=_OPS[summary.op],
        version=summary.version,
        org_id=summary.org_id,
        org_name=summary.org_name,
        staff_name=summary.staff_name,
        staff_handle=summary.staff_handle,
        business_form=summary.business_form,
        jsic_major=summary.jsic_major,
        jsic_middle=summary.jsic_middle,
        employee_band=summary.employee_band,
        set_on=summary.set_on,
        category=summary.category,
        text=summary.text,
        status=summary.status,
        achieved_on=summary.achieved_on,
    )
    message.updated_at.FromDatetime(summary.updated_at)
    return message.SerializeToString()
