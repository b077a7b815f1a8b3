from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import OutcomeKind
from org_records.fiscal import today_in_japan
from org_records.schemas import StoredRecord

Count = Annotated[StrictInt, Field(ge=1, le=100_000)]
Note = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=1000), NoControlCharacters]
VERIFIED_LABELS = {True: "書類確認", False: "聞き取り"}
"""How an outcome is known: confirmed on documents (書類確認) or only heard from the owner (聞き取り)."""


class OutcomeFields(BaseModel):
    """成果: an outcome the organization's support contributed to, counted by the plan's KPIs."""

    model_config = ConfigDict(extra="forbid")

    kind: OutcomeKind = Field(description="成果の種類")
    occurred_on: dt.date = Field(description="発生日 (not in the future)")
    count: Count = Field(default=1, description="件数 (e.g. 3 new partners)")
    verified: bool = Field(default=False, description="true: 書類確認 (documented); false: 聞き取り (verbal)")
    note: Note = Field(default=None, description="備考 (up to 1,000 characters)")
    goal_id: int | None = Field(default=None, description="the business's goal this outcome counts toward")

    @field_validator("occurred_on")
    @classmethod
    def not_in_the_future(cls, value: dt.date) -> dt.date:
        if value > today_in_japan():
            raise ValueError("発生日 (occurred_on) cannot be in the future")
        return value


class OutcomePatch(BaseModel):
    """A partial change; `version`, when given, must be the stored one (else 409)."""

    model_config = ConfigDict(extra="forbid")

    kind: OutcomeKind | None = None
    occurred_on: dt.date | None = None
    count: Count | None = None
    verified: bool | None = None
    note: Note = None
    goal_id: int | None = None
    version: StrictInt | None = None


class OutcomeOut(OutcomeFields, StoredRecord):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    business_id: int
    kind_label: str = ""
    verified_label: str = ""

    @field_validator("occurred_on")
    @classmethod
    def not_in_the_future(cls, value: dt.date) -> dt.date:
        return value

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.kind_label = self.kind.label
        self.verified_label = VERIFIED_LABELS[self.verified]
        return self


class OutcomeList(BaseModel):
    """Every outcome of one business (no paging)."""

    items: list[OutcomeOut]
    next_cursor: str | None = None
