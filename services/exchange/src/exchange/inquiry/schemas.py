from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from banso_core.text import NoControlCharacters

MAX_BODY_LENGTH = 2000

Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_LENGTH), NoControlCharacters
]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=64), NoControlCharacters]


class InquiryCreate(BaseModel):
    """問い合わせ: a question to the 担当者 of another organization's shared goal (as search shows it)."""

    model_config = ConfigDict(extra="forbid")

    org_id: Reference = Field(description="the organization that shared the goal")
    goal_ref: Reference
    body: Body = Field(description="the question, at most 2000 characters; say nothing the business has not agreed to")


class InquiryListParams(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class InquiryMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    message_id: str = Field(validation_alias="id")
    kind: str = Field(description="question or reply")
    author_org_id: str
    author_name: str
    body: str
    written_at: dt.datetime


class InquiryOut(BaseModel):
    """A thread as the exchange keeps it: who asked, about which goal, and the messages; no business."""

    inquiry_id: str
    asker_org_id: str
    asker_org_name: str
    asker_staff_name: str
    owner_org_id: str
    owner_org_name: str
    goal_ref: str
    created_at: dt.datetime
    updated_at: dt.datetime
    messages: list[InquiryMessageOut]


class InquiryList(BaseModel):
    items: list[InquiryOut]
    total: int
