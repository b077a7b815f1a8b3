"""Moving between protobuf messages and plain dicts, for the proto⇄domain mappings in each grpc.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

M = TypeVar("M", bound=Message)


def message_fields(message: Message) -> dict[str, Any]:
    """The fields a client actually set, by their snake_case names (unset and empty ones are left out)."""
    return MessageToDict(message, preserving_proto_field_name=True)


def fill_message(message: M, values: Mapping[str, Any]) -> M:
    """Set the message's scalar fields from `values`; dates become ISO strings, None stays unset."""
    for field in message.DESCRIPTOR.fields:
        value = values.get(field.name)
        if value is None or (field.message_type is not None and not isinstance(value, dt.datetime)):
            continue
        if isinstance(value, dt.datetime):
            getattr(message, field.name).FromDatetime(value)
        elif isinstance(value, dt.date):
            setattr(message, field.name, value.isoformat())
        elif isinstance(value, Enum):
            setattr(message, field.name, value.value)
        else:
            setattr(message, field.name, value)
    return message


def _scalar_value(message: Message, name: str) -> Any:
    field = message.DESCRIPTOR.fields_by_name[name]
    if field.has_presence:
        return getattr(message, name) if message.HasField(name) else None
    value = getattr(message, name)
    return None if value == "" else value


def present_fields(message: Message) -> dict[str, Any]:
    """The scalar fields a client set, with their native values (int64 stays an int, unlike `message_fields`):
    optional fields when present, plain fields when not empty."""
    values = {}
    for field in message.DESCRIPTOR.fields:
        if field.message_type is not None or field.is_repeated:
            continue
        value = _scalar_value(message, field.name)
        if value is not None and (field.has_presence or value != field.default_value):
            values[field.name] = value
    return values


def named_fields(message: Message, names: Iterable[str]) -> dict[str, Any]:
    """The values of the fields an update names (`update_fields`): an absent optional or empty text is None, which
    clears the field; plain fields (bool) keep their value."""
    return {name: _scalar_value(message, name) for name in names}
