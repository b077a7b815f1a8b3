"""OutcomeRecord → `banso.events.v1.OutcomeRecord` bytes on `banso.outcomes.<org>.<business_ref>.<2026Q1>`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from banso.events.v1 import outcome_record_pb2
from banso_core.messaging import outcome_subject
from org_records.outcome_record.records import COUNTS, RELATIVE_FIGURES, OutcomeRecord

_OPS = {
    "upsert": outcome_record_pb2.OUTCOME_RECORD_OP_UPSERT,
    "delete": outcome_record_pb2.OUTCOME_RECORD_OP_DELETE,
}
_NO_TIME = dt.datetime.fromtimestamp(0, dt.UTC)


def outcome_record_subject(record: OutcomeRecord) -> str:
    return outcome_subject(record.org_id, record.business_ref, record.fiscal_year, record.fiscal_quarter)


def encode_outcome_record(record: OutcomeRecord) -> bytes:
    contract_fields = set(outcome_record_pb2.OutcomeRecord.DESCRIPTOR.fields_by_name)
    allowed_fields = {field.name for field in dataclasses.fields(record)}
    if contract_fields != allowed_fields:
        # The wire contract and the sharing allow-list must move together, by a change to both.
        raise RuntimeError(f"OutcomeRecord contract differs from the allow-list: {contract_fields ^ allowed_fields}")
    message = outcome_record_pb2.OutcomeRecord(
        business_ref=record.business_ref,
        op=_OPS[record.op],
        version=record.version,
        org_id=record.org_id,
        fiscal_year=record.fiscal_year,
        fiscal_quarter=record.fiscal_quarter,
        jsic_major=record.jsic_major,
        employee_band=record.employee_band,
        support_stage=record.support_stage,
        plan_themes=record.plan_themes,
        **{name: getattr(record, name) for name in COUNTS},
        **{name: getattr(record, name) for name in RELATIVE_FIGURES if getattr(record, name) is not None},
    )
    message.updated_at.FromDatetime(record.updated_at)
    return message.SerializeToString(deterministic=True)


def content_hash(record: OutcomeRecord) -> str:
    """What a record says, without its version and time: equal hashes need no new message."""
    return hashlib.sha256(
        encode_outcome_record(dataclasses.replace(record, version=0, updated_at=_NO_TIME))
    ).hexdigest()
