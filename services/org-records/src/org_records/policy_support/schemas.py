from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import PolicySupportKind, PolicySupportResult, policy_programs
from org_records.financials.schemas import Yen
from org_records.fiscal import today_in_japan
from org_records.schemas import StoredRecord

ProgramText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoControlCharacters
]
DECIDED = (PolicySupportResult.adopted, PolicySupportResult.rejected, PolicySupportResult.withdrawn)
"""Results after which a 決定日 may be recorded (withdrawn: the day it was withdrawn)."""


def program_label(program: str) -> str:
    """The label of a default program's code; text an organization entered itself is its own label."""
    return next((known.label for known in policy_programs() if known.code == program), program)


class PolicySupportFields(BaseModel):
    """施策支援: what was applied for, when, and what came of it (amounts in integer yen)."""

    model_config = ConfigDict(extra="forbid")

    kind: PolicySupportKind = Field(description="種類: 補助金 / 融資 / 認定 / その他")
    program: ProgramText = Field(
        description="施策: a code from GET /api/v1/policy-supports/programs (its label is accepted too), "
        "or the organization's own text (1–100 characters)"
    )
    applied_on: dt.date | None = Field(default=None, description="申請日")
    amount_requested_yen: Yen | None = Field(default=None, description="申請額（円）")
    result: PolicySupportResult = Field(default=PolicySupportResult.preparing, description="結果")
    decided_on: dt.date | None = Field(default=None, description="決定日 (required once adopted or rejected)")
    amount_granted_yen: Yen | None = Field(default=None, description="採択額・融資額（円）: only when adopted")

    @field_validator("program")
    @classmethod
    def known_label_to_code(cls, value: str) -> str:
        return next((known.code for known in policy_programs() if value in (known.code, known.label)), value)

    @field_validator("decided_on")
    @classmethod
    def decided_not_in_the_future(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > today_in_japan():
            raise ValueError("決定日 (decided_on) cannot be in the future")
        return value

    @model_validator(mode="after")
    def consistent(self) -> Self:
        known = next((known for known in policy_programs() if known.code == self.program), None)
        if known is not None and known.kind != self.kind:
            raise ValueError(f"{known.label} is a {known.kind.label} ({known.kind}), not {self.kind.label}")
        if self.result in (PolicySupportResult.adopted, PolicySupportResult.rejected) and self.decided_on is None:
            raise ValueError(f"決定日 (decided_on) is required when the result is {self.result.label}")
        if self.result not in DECIDED and self.decided_on is not None:
            raise ValueError(f"決定日 (decided_on) is not recorded while the result is {self.result.label}")
        if self.decided_on is not None and self.applied_on is not None and self.decided_on < self.applied_on:
            raise ValueError("決定日 (decided_on) cannot be before 申請日 (applied_on)")
        if self.amount_granted_yen is not None and self.result != PolicySupportResult.adopted:
            raise ValueError("採択額 (amount_granted_yen) is only recorded when adopted (採択・実行)")
        return self


class PolicySupportPatch(BaseModel):
    """A partial change; `version`, when given, must be the stored one (else 409)."""

    model_config = ConfigDict(extra="forbid")

    kind: PolicySupportKind | None = None
    program: ProgramText | None = None
    applied_on: dt.date | None = None
    amount_requested_yen: Yen | None = None
    result: PolicySupportResult | None = None
    decided_on: dt.date | None = None
    amount_granted_yen: Yen | None = None
    version: StrictInt | None = None


class PolicySupportOut(PolicySupportFields, StoredRecord):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    business_id: int
    kind_label: str = ""
    program_label: str = ""
    result_label: str = ""

    @field_validator("decided_on")
    @classmethod
    def decided_not_in_the_future(cls, value: dt.date | None) -> dt.date | None:
        return value

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.kind_label = self.kind.label
        self.program_label = program_label(self.program)
        self.result_label = self.result.label
        return self


class PolicySupportList(BaseModel):
    """Every policy support of one business (no paging)."""

    items: list[PolicySupportOut]
    next_cursor: str | None = None


class PolicyProgramOut(BaseModel):
    """One program of the default list (施策)."""

    code: str
    label: str
    kind: PolicySupportKind
    kind_label: str


class PolicyProgramList(BaseModel):
    items: list[PolicyProgramOut]
