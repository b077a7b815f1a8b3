from __future__ import annotations

from pydantic import BaseModel


class ReplacedPart(BaseModel):
    """A part of the goal text that scrubbing replaced; start/end index the original text."""

    start: int
    end: int
    kind: str
    kind_label: str
    original: str


class SharePreview(BaseModel):
    """共有プレビュー: what would leave the organization for this goal, exactly as it would be published."""

    goal_id: int
    shared: bool
    """False when the business has not consented (共有同意) or sharing is off for this goal: nothing leaves."""
    reason: str | None = None
    summary: dict[str, str | int] | None = None
    replacements: list[ReplacedPart] = []
