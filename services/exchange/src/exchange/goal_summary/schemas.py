from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import BusinessForm, EmployeeBand, GoalCategory, GoalStatus, jsic, label_of


class SearchParams(BaseModel):
    q: Annotated[str, StringConstraints(max_length=10_000), NoControlCharacters] = Field(
        default="", description="Words in 目標"
    )
    category: str | None = None
    jsic_major: str | None = None
    status: str | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class SharedGoalOut(BaseModel):
    """A shared goal summary (sharing-policy.md §1) with Japanese labels beside the codes."""

    model_config = ConfigDict(from_attributes=True)

    goal_ref: str
    org_id: str
    org_name: str
    staff_name: str
    staff_handle: str
    business_form: str
    business_form_label: str = ""
    jsic_major: str
    jsic_major_label: str = ""
    jsic_middle: str
    jsic_middle_label: str = ""
    employee_band: str
    employee_band_label: str = ""
    set_on: dt.date | None
    category: str
    category_label: str = ""
    text: str
    status: str
    status_label: str = ""
    achieved_on: dt.date | None
    version: int
    updated_at: dt.datetime

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.business_form_label = label_of(BusinessForm, self.business_form)
        self.jsic_major_label = jsic().major_label(self.jsic_major)
        self.jsic_middle_label = jsic().middle_label(self.jsic_middle)
        self.employee_band_label = label_of(EmployeeBand, self.employee_band)
        self.category_label = label_of(GoalCategory, self.category)
        self.status_label = label_of(GoalStatus, self.status)
        return self


class SearchResult(BaseModel):
    items: list[SharedGoalOut]
    total: int
