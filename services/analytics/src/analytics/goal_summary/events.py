"""Consuming `banso.goals.<org>.<goal_ref>` for analytics: only the codes and dates are kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.protobuf.message import DecodeError

from analytics.consuming import Feed, Undeliverable, check_publisher, check_ref, is_withdrawal, version_and_time
from analytics.goal_summary.service import goal_summary_service
from analytics.newest import Incoming
from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import GOALS_STREAM, goal_subject
from banso_core.text import has_control_characters

_CLEARED = {"jsic_major": "", "employee_band": "", "category": "", "status": "", "set_on": None, "achieved_on": None}


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise Undeliverable(f"{field} is not an ISO date: {value[:20]!r}") from error


def decode_goal_summary(subject: str, data: bytes) -> Incoming:
    message = goal_summary_pb2.GoalSummary()
    try:
        message.ParseFromString(data)
    except DecodeError as error:
        raise Undeliverable(f"not a banso.events.v1.GoalSummary: {error}") from error
    check_publisher(subject, message.org_id)
    check_ref("goal_ref", message.goal_ref)
    if subject != goal_subject(message.org_id, message.goal_ref):
        raise Undeliverable(f"subject {subject!r} is not the goal's own")
    updated_at = version_and_time(message.version, message.updated_at)
    withdrawn = is_withdrawal(
        message.op, goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT, goal_summary_pb2.GOAL_SUMMARY_OP_DELETE
    )
    key = (message.org_id, message.goal_ref)
    row: dict[str, Any] = {
        "org_id": key[0],
        "goal_ref": key[1],
        "version": message.version,
        "withdrawn": withdrawn,
        "updated_at": updated_at,
    }
    if withdrawn:
        return Incoming(key, message.version, True, row | _CLEARED)
    for name in ("jsic_major", "employee_band", "category", "status"):
        if has_control_characters(getattr(message, name)):
            raise Undeliverable(f"{name} contains control characters")
    row |= {
        "jsic_major": message.jsic_major[:1],
        "employee_band": message.employee_band[:10],
        "category": message.category[:40],
        "status": message.status[:20],
        "set_on": _date(message.set_on, "set_on"),
        "achieved_on": _date(message.achieved_on, "achieved_on"),
    }
    return Incoming(key, message.version, False, row)


GOAL_FEED = Feed(
    stream=GOALS_STREAM,
    filter_subject="banso.goals.>",
    decode=decode_goal_summary,
    ingest=goal_summary_service.ingest,
)
