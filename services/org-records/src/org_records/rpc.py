"""What every room's grpc.py needs beyond banso_core.protobuf: partial updates, filters and timestamps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, TypeVar

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from banso_core.errors import InvalidInput
from banso_core.protobuf import message_fields
from banso_core.vocabulary import LabelledCode

Code = TypeVar("Code", bound=LabelledCode)


def requested_changes(
    message: Message, update_fields: Collection[str], allowed: Collection[str], expected_version: int | None
) -> dict[str, Any]:
    """The patch an Update* request asks for: each named field's value, empty when the client left it unset
    (a repeated field named but empty clears it), plus the expected version."""
    unknown = set(update_fields) - set(allowed)
    if unknown:
        raise InvalidInput(f"unknown fields {sorted(unknown)}", field="update_fields")
    supplied = message_fields(message)
    repeated = {field.name for field in message.DESCRIPTOR.fields if field.label == field.LABEL_REPEATED}
    changes = {name: supplied.get(name, [] if name in repeated else None) for name in update_fields}
    if expected_version is not None:
        changes["version"] = expected_version
    return changes


def code_filter(vocabulary: type[Code], value: str, field: str) -> Code | None:
    """A list filter on a coded field: empty means no filter; an unknown code is refused."""
    if not value:
        return None
    code = next((member for member in vocabulary if member.value == value), None)
    if code is None:
        raise InvalidInput(f"{value!r} is not one of {sorted(vocabulary.labels())}", field=field)
    return code


def optional_timestamp(message: Message, field: str) -> dt.datetime | None:
    if not message.HasField(field):
        return None
    stamp: Timestamp = getattr(message, field)
    return stamp.ToDatetime(tzinfo=dt.UTC)
