from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from banso_core.vocabulary import AuditAction


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    staff_id: int
    staff_name: str
    role: str
    action: AuditAction
    action_label: str = ""
    channel: str
    target: str
    business_id: int | None

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.action_label = self.action.label
        return self


class AuditPage(BaseModel):
    """Newest first (by time; entries of reads are written in batches); `next_before` is the next page's `before`."""

    items: list[AuditEntryOut]
    next_before: str | None = Field(description="The `before` of the next (older) page; null on the last page")
