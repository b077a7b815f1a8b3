from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import Approach, Attitude, SessionChannel
from org_records.schemas import StoredRecord

if TYPE_CHECKING:
    from org_records.support_session.models import SupportSession

JST = dt.timezone(dt.timedelta(hours=9), "JST")


def today_in_japan() -> dt.date:
    return dt.datetime.now(JST).date()


class SupportSessionFields(BaseModel):
    """支援記録: approach (支援者のアプローチ) and attitude (事業者の姿勢) are required."""

    model_config = ConfigDict(extra="forbid")

    held_on: dt.date = Field(description="実施日 (not in the future)")
    channel: SessionChannel = Field(description="支援方法")
    minutes: int | None = Field(default=None, ge=1, le=24 * 60, description="所要時間（分）")
    approach: Approach = Field(description="支援者のアプローチ")
    attitude: Attitude = Field(description="事業者の姿勢")
    goal_ids: list[int] = Field(default_factory=list, max_length=50, description="この支援で扱った目標")
    notes: Annotated[str | None, StringConstraints(max_length=10_000), NoControlCharacters] = Field(
        default=None, description="支援内容の詳細 (private: never shared)"
    )
    next_action: Annotated[
        str | None, StringConstraints(strip_whitespace=True, max_length=500), NoControlCharacters
    ] = None
    expert_name: Annotated[
        str | None, StringConstraints(strip_whitespace=True, max_length=100), NoControlCharacters
    ] = None
    staff_id: int | None = None

    @field_validator("held_on")
    @classmethod
    def not_in_the_future(cls, value: dt.date) -> dt.date:
        if value > today_in_japan():
            raise ValueError("実施日 (held_on) cannot be in the future")
        return value

    @field_validator("goal_ids")
    @classmethod
    def distinct_goals(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


class SupportSessionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: dt.date | None = None
    channel: SessionChannel | None = None
    minutes: int | None = None
    approach: Approach | None = None
    attitude: Attitude | None = None
    goal_ids: list[int] | None = None
    notes: str | None = None
    next_action: str | None = None
    expert_name: str | None = None
    staff_id: int | None = None
    version: int | None = None


class SupportSessionOut(SupportSessionFields, StoredRecord):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    business_id: int
    channel_label: str = ""
    approach_label: str = ""
    attitude_label: str = ""

    @field_validator("held_on")
    @classmethod
    def not_in_the_future(cls, value: dt.date) -> dt.date:
        return value

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.channel_label = self.channel.label
        self.approach_label = self.approach.label
        self.attitude_label = self.attitude.label
        return self


class SupportSessionList(BaseModel):
    items: list[SupportSessionOut]
    total: int


def support_session_out(record: SupportSession) -> SupportSessionOut:
    values = {name: getattr(record, name) for name in SupportSessionOut.model_fields if hasattr(record, name)}
    return SupportSessionOut.model_validate(values | {"goal_ids": [goal.id for goal in record.goals]})
