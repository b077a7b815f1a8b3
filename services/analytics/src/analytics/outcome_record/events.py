"""Consuming `banso.outcomes.<org>.<business_ref>.<YYYY>Q<q>`: decode and check against the subject."""

from __future__ import annotations

import re
from typing import Any

from google.protobuf.message import DecodeError

from analytics.consuming import Feed, Undeliverable, check_publisher, check_ref, is_withdrawal, version_and_time
from analytics.newest import Incoming
from analytics.outcome_record.models import COUNT_FIELDS, RELATIVE_FIGURES
from analytics.outcome_record.service import outcome_record_service
from banso.events.v1 import outcome_record_pb2
from banso_core.messaging import OUTCOMES_STREAM, outcome_subject
from banso_core.text import has_control_characters

MAX_CODE_LENGTH = 40
MAX_CODES = 200
MAX_ABS_CHANGE = 1e9
_CLEARED: dict[str, Any] = {
    "jsic_major": "", "employee_band": "", "support_stage": "", "plan_themes": [], "counts": {},
    **dict.fromkeys(RELATIVE_FIGURES),
}  # fmt: skip
_SUBJECT = re.compile(r"^banso\.outcomes\.[^.]+\.[^.]+\.(\d{4})Q([1-4])$")


def _code(value: str, field: str) -> str:
    if len(value) > MAX_CODE_LENGTH or has_control_characters(value):
        raise Undeliverable(f"{field}: code {value[:20]!r} too long or with control characters")
    return value


def decode_outcome_record(subject: str, data: bytes) -> Incoming:
    message = outcome_record_pb2.OutcomeRecord()
    try:
        message.ParseFromString(data)
    except DecodeError as error:
        raise Undeliverable(f"not a banso.events.v1.OutcomeRecord: {error}") from error
    check_publisher(subject, message.org_id)
    check_ref("business_ref", message.business_ref)
    if not (2000 <= message.fiscal_year <= 2199 and 1 <= message.fiscal_quarter <= 4):
        raise Undeliverable("fiscal_year must be 2000–2199 and fiscal_quarter 1–4")
    expected = outcome_subject(message.org_id, message.business_ref, message.fiscal_year, message.fiscal_quarter)
    if subject != expected or not _SUBJECT.match(subject):
        raise Undeliverable(f"subject {subject!r} is not the record's own ({expected!r})")
    updated_at = version_and_time(message.version, message.updated_at)
    withdrawn = is_withdrawal(
        message.op, outcome_record_pb2.OUTCOME_RECORD_OP_UPSERT, outcome_record_pb2.OUTCOME_RECORD_OP_DELETE
    )
    key = (message.org_id, message.business_ref, message.fiscal_year, message.fiscal_quarter)
    row: dict[str, Any] = {
        "org_id": key[0],
        "business_ref": key[1],
        "fiscal_year": key[2],
        "fiscal_quarter": key[3],
        "version": message.version,
        "withdrawn": withdrawn,
        "updated_at": updated_at,
    }
    if withdrawn:
        return Incoming(key, message.version, True, row | _CLEARED)
    counts: dict[str, dict[str, int]] = {}
    for name in COUNT_FIELDS:
        values = getattr(message, name)
        if len(values) > MAX_CODES:
            raise Undeliverable(f"{name} has more than {MAX_CODES} codes")
        for code, count in values.items():
            _code(code, name)
            if count < 0:
                raise Undeliverable(f"{name}[{code!r}] is negative")
        if kept := {code: int(count) for code, count in sorted(values.items()) if count}:
            counts[name] = kept
    figures: dict[str, float | None] = {}
    for name in RELATIVE_FIGURES:
        value = getattr(message, name) if message.HasField(name) else None
        if value is not None and not abs(value) <= MAX_ABS_CHANGE:  # also refuses NaN
            raise Undeliverable(f"{name} is not a finite change: {value!r}")
        figures[name] = value
    if len(message.plan_themes) > MAX_CODES:
        raise Undeliverable(f"plan_themes has more than {MAX_CODES} codes")
    row |= {
        "jsic_major": _code(message.jsic_major, "jsic_major")[:1],
        "employee_band": _code(message.employee_band, "employee_band")[:10],
        "support_stage": _code(message.support_stage, "support_stage")[:20],
        "plan_themes": sorted({_code(theme, "plan_themes") for theme in message.plan_themes}),
        "counts": counts,
        **figures,
    }
    return Incoming(key, message.version, False, row)


OUTCOME_FEED = Feed(
    stream=OUTCOMES_STREAM,
    filter_subject="banso.outcomes.>",
    decode=decode_outcome_record,
    ingest=outcome_record_service.ingest,
)
