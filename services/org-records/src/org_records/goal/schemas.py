from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import GoalCategory, GoalStatus
from org_records.schemas import StoredRecord

GoalText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControlCharacters]


class GoalFields(BaseModel):
    """目標: the whole validated state of a goal."""

    model_config = ConfigDict(extra="forbid")

    set_on: dt.date = Field(description="設定日")
    category: GoalCategory = Field(description="目標カテゴリ")
    text: GoalText = Field(description="目標 (1–200 characters)")
    status: GoalStatus = Field(default=GoalStatus.not_started, description="支援状況")
    achieved_on: dt.date | None = Field(default=None, validate_default=True, description="達成日")
    staff_id: int | None = Field(default=None, description="担当者")
    plan_theme: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=100), NoControlCharacters] = (
        None
    )
    shared: bool = Field(default=True, description="共有: per-goal opt-out of sharing")

    @field_validator("achieved_on")
    @classmethod
    def check_achieved_on(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        status, set_on = info.data.get("status"), info.data.get("set_on")
        if status == GoalStatus.achieved and value is None:
            raise ValueError("達成日 (achieved_on) is required when status is achieved (達成)")
        if status is not None and status != GoalStatus.achieved and value is not None:
            raise ValueError("達成日 (achieved_on) is only recorded for achieved (達成) goals")
        if value is not None and set_on is not None and value < set_on:
            raise ValueError("達成日 (achieved_on) cannot be before 設定日 (set_on)")
        return value


class GoalPatch(BaseModel):
    """A partial change; `version`, when given, must be the stored one (else 409)."""

    model_config = ConfigDict(extra="forbid")

    set_on: dt.date | None = None
    category: GoalCategory | None = None
    text: GoalText | None = None
    status: GoalStatus | None = None
    achieved_on: dt.date | None = None
    staff_id: int | None = None
    plan_theme: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=100)] = None
    shared: bool | None = None
    version: int | None = None


class GoalOut(GoalFields, StoredRecord):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    business_id: int
    category_label: str = ""
    status_label: str = ""

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.category_label = self.category.label
        self.status_label = self.status.label
        return self
