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


def check_update_fields(update_fields: Collection[str], allowed: Collection[str]) -> None:
    """An Update* request may name only fields the record has."""
    unknown = set(update_fields) - set(allowed)
    if unknown:
        raise InvalidInput(f"unknown fields {sorted(unknown)}", field="update_fields")


def requested_changes(
    message: Message, update_fields: Collection[str], allowed: Collection[str], expected_version: int | None
) -> dict[str, Any]:
    """The patch an Update* request asks for: each named field's value, plus the expected version.

    A named field left unset means its empty value: a repeated field is cleared, a plain bool is false, and
    anything else (text, optional numbers) becomes null."""
    check_update_fields(update_fields, allowed)
    supplied = message_fields(message)
    empty: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        if field.is_repeated:
            empty[field.name] = []
        elif field.type == field.TYPE_BOOL and not field.has_presence:
            empty[field.name] = False
    changes = {name: supplied.get(name, empty.get(name)) for name in update_fields}
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
