"""Free text as the services accept it."""

from __future__ import annotations

from pydantic import AfterValidator

_ALLOWED_CONTROLS = frozenset("\t\n\r")


def has_control_characters(text: str) -> bool:
    """True for NUL and the other C0 controls except tab and line breaks: PostgreSQL cannot store U+0000, and
    no person types the others."""
    return any(ord(char) < 0x20 and char not in _ALLOWED_CONTROLS for char in text)


def _refuse_control_characters(text: str | None) -> str | None:
    if text is not None and has_control_characters(text):
        raise ValueError("must not contain control characters such as NUL")
    return text


NoControlCharacters = AfterValidator(_refuse_control_characters)
"""Annotate a str field with this to refuse control characters with a 422 naming the field."""
