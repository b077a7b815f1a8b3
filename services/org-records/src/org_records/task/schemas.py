from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import TaskOwner, TaskStatus
from org_records.schemas import StoredRecord
from org_records.support_session.schemas import today_in_japan

TaskTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControlCharacters]


class TaskFields(BaseModel):
    """課題・行動タスク: the whole validated state of a task."""

    model_config = ConfigDict(extra="forbid")

    title: TaskTitle = Field(description="課題・タスク (1–200 characters)")
    owner: TaskOwner = Field(description="担い手: business 事業者 / advisor 経営指導員")
    due_on: dt.date | None = Field(default=None, description="期限")
    status: TaskStatus = Field(default=TaskStatus.open, description="状況")
    done_on: dt.date | None = Field(default=None, validate_default=True, description="完了日 (required when done)")

    @field_validator("done_on")
    @classmethod
    def check_done_on(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        status = info.data.get("status")
        if status == TaskStatus.done and value is None:
            raise ValueError("完了日 (done_on) is required when status is done (完了)")
        if status is not None and status != TaskStatus.done and value is not None:
            raise ValueError("完了日 (done_on) is only recorded for done (完了) tasks")
        if value is not None and value > today_in_japan():
            raise ValueError("完了日 (done_on) cannot be in the future")
        return value


class TaskPatch(BaseModel):
    """A partial change; `version`, when given, must be the stored one (else 409)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    owner: TaskOwner | None = None
    due_on: dt.date | None = None
    status: TaskStatus | None = None
    done_on: dt.date | None = None
    version: int | None = None


class TaskOut(TaskFields, StoredRecord):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    goal_id: int
    owner_label: str = ""
    status_label: str = ""

    @field_validator("done_on")
    @classmethod
    def check_done_on(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return value  # stored rows were checked on the way in; a done_on must not expire into an error

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.owner_label = self.owner.label
        self.status_label = self.status.label
        return self
