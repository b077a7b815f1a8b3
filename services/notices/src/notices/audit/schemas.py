from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from notices.audit.models import NoticeAuditAction


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    org_id: str
    staff_id: int
    staff_name: str
    role: str
    action: NoticeAuditAction
    action_label: str = ""
    notice_id: int
    comment_id: int | None
    detail: str

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.action_label = self.action.label
        return self


class AuditPage(BaseModel):
    """Newest first."""

    items: list[AuditEntryOut]
    total: int
