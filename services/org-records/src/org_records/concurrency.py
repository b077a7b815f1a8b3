"""Optimistic concurrency at the REST edge: the expected version comes in the body or as `If-Match`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from banso_core.errors import InvalidInput


def if_match_version(
    if_match: Annotated[str | None, Header(description='the version last read, e.g. "3"')] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isascii() or not tag.isdigit():
        raise InvalidInput('If-Match must carry the record\'s version, e.g. "3"', field="If-Match")
    return int(tag)


IfMatch = Annotated[int | None, Depends(if_match_version)]


def expected_version(body_version: int | None, header_version: int | None) -> int | None:
    """The version the client expects; when both are given they must agree."""
    if body_version is not None and header_version is not None and body_version != header_version:
        raise InvalidInput("version in the body and If-Match disagree", field="version")
    return body_version if body_version is not None else header_version
