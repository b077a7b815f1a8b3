"""Between protobuf messages and the service's schemas; protobuf types stop in the rooms' grpc.py and here."""

from __future__ import annotations

import datetime as dt

from google.protobuf.message import Message

from banso_core.errors import InvalidInput
from banso_core.federation import MemberOrganizations, grpc_caller
from notices.caller import Caller, caller_of


def timestamp_or_none(message: Message, field: str) -> dt.datetime | None:
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=dt.UTC)  # type: ignore[no-any-return]


def set_timestamp(message: Message, field: str, value: dt.datetime | None) -> None:
    if value is not None:
        getattr(message, field).FromDatetime(value)


def check_update_fields(update_fields: list[str], allowed: set[str]) -> None:
    unknown = set(update_fields) - allowed
    if unknown:
        raise InvalidInput(f"unknown or unchangeable fields {sorted(unknown)}", field="update_fields")


class CallerRpcs:
    """What every servicer of the notices service has: its database and the federation's members."""

    members: MemberOrganizations

    def caller(self) -> Caller:
        return caller_of(grpc_caller(), self.members)
