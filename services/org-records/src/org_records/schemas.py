from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Header
from pydantic import BaseModel, ConfigDict

from banso_core.errors import InvalidInput


class StoredRecord(BaseModel):
    """The bookkeeping fields every stored record answers with."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def if_match_version(header: str | None) -> int | None:
    """The version an `If-Match` header names (`3`, `"3"` or `W/"3"`); None when absent."""
    if header is None:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isascii() or not tag.isdigit():
        raise InvalidInput(f"If-Match must carry the record's version, not {header!r}", field="If-Match")
    return int(tag)


def expected_version(header: str | None, body_version: int | None) -> int | None:
    """The version a change was made against, from `If-Match` or the body's `version` (they must agree)."""
    from_header = if_match_version(header)
    if from_header is not None and body_version is not None and from_header != body_version:
        raise InvalidInput("If-Match and version disagree", field="version")
    return from_header if from_header is not None else body_version


IfMatch = Annotated[str | None, Header(description="The version last read (ETag); another one answers 409")]
