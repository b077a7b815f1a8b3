from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from banso_core.text import NoControlCharacters

MAX_COMMENT = 4_000

CommentBody = Annotated[str, StringConstraints(min_length=1, max_length=MAX_COMMENT), NoControlCharacters]


class CommentFields(BaseModel):
    """コメント: Markdown, like a notice's body."""

    model_config = ConfigDict(extra="forbid")

    body: CommentBody = Field(description=f"Markdown (1–{MAX_COMMENT} characters)")


class CommentPatch(CommentFields):
    version: int | None = Field(default=None, description="the version last read; another one answers 409")


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    notice_id: int
    body: str
    body_html: str
    author_org_id: str
    author_org_name: str
    author_staff_id: int
    author_name: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
