from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import BusinessForm, EmployeeBand, GoalCategory, GoalStatus, jsic, label_of


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


Code = Annotated[
    Annotated[str, StringConstraints(max_length=40), NoControlCharacters] | None, BeforeValidator(_empty_is_none)
]
"""A vocabulary code as a filter: an unknown code is no error, it matches nothing (newer producers' codes pass);
empty is no filter (as proto3 cannot tell empty from unset)."""


class SearchParams(BaseModel):
    """検索: words in 目標 and filters. Codes filter by equality with the stored code; `employee_band` matches the
    band as published, so a goal whose band k-anonymity widened to "0-20" is found by "0-20", not by "6-20"."""

    q: Annotated[str, StringConstraints(max_length=10_000), NoControlCharacters] = Field(
        default="",
        description="Words in 目標, separated by spaces; every word must match (by its normalised form, a synonym "
        "or as a string). Empty: list by the filters, newest first.",
    )
    category: Code = Field(default=None, description="目標カテゴリ, e.g. new_product")
    jsic_major: Code = Field(default=None, description="業種大分類 A–T")
    jsic_middle: Code = Field(default=None, description="業種中分類 01–99")
    status: Code = Field(default=None, description="支援状況, e.g. in_progress")
    business_form: Code = Field(default=None, description="事業形態, e.g. corporation")
    employee_band: Code = Field(
        default=None,
        description="従業員帯 as published: 0-5, 6-20, 21-50, 51-100, 101-300, 301+, or a wider 0-20, 21-100, 101+",
    )
    org: Code = Field(default=None, description="団体: only goals of this organization (its id)")
    org_kind: Code = Field(
        default=None, description="団体種別 (cci, society, federation …): organizations of this kind in the registry"
    )
    set_from: dt.date | None = Field(default=None, description="設定日 on or after (YYYY-MM-DD)")
    set_to: dt.date | None = Field(default=None, description="設定日 on or before (YYYY-MM-DD)")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)

    @field_validator("set_to")
    @classmethod
    def dates_in_order(cls, set_to: dt.date | None, info: ValidationInfo) -> dt.date | None:
        set_from = info.data.get("set_from")
        if set_to is not None and set_from is not None and set_to < set_from:
            raise ValueError("set_to must not be before set_from")
        return set_to


class SimilarParams(BaseModel):
    """似た目標: paging, and optionally only one category or status."""

    category: Code = None
    status: Code = None
    limit: int = Field(default=10, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class Highlight(BaseModel):
    """A matched span of 目標: characters [start, end) of `text`."""

    start: int
    end: int
    text: str


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


class SearchHit(SharedGoalOut):
    """A goal a search found, with its score (0 when listed without words) and what matched."""

    score: float = 0.0
    highlights: list[Highlight] = Field(default_factory=list)
    matched_terms: list[str] = Field(default_factory=list, description="The matched words as they appear in 目標")


class SearchResult(BaseModel):
    items: list[SearchHit]
    total: int


class SimilarGoal(SearchHit):
    """A goal like the one asked about, with the reason: the words it shares, and same category or industry."""

    same_category: bool = False
    same_industry: bool = Field(default=False, description="Same 業種大分類")


class SimilarResult(BaseModel):
    items: list[SimilarGoal]
    total: int
