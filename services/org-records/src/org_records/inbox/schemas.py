from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from banso_core.text import NoControlCharacters

MAX_BODY_LENGTH = 2000


class ReplyCreate(BaseModel):
    """返信: what the 担当者 chooses to tell the asking advisor; nothing about the business is added to it."""

    model_config = ConfigDict(extra="forbid")

    body: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_LENGTH), NoControlCharacters
    ]


class InboxListParams(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class InboxReplyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    staff_id: int | None
    author_name: str
    body: str
    replied_at: dt.datetime


class InboxInquiryOut(BaseModel):
    """A question from another organization's advisor about one of this organization's goals, with the replies."""

    model_config = ConfigDict(from_attributes=True)

    inquiry_id: str
    goal_ref: str
    goal_id: int | None = Field(description="this organization's goal asked about; None: not (or no longer) shared")
    staff_id: int | None = Field(description="the 担当者 it is addressed to; None: the organization's administrators")
    asker_org_id: str
    asker_org_name: str
    asker_staff_name: str
    body: str
    asked_at: dt.datetime
    replies: list[InboxReplyOut] = Field(default_factory=list)


class InboxList(BaseModel):
    items: list[InboxInquiryOut]
    total: int
