from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
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
from banso_core.vocabulary import BusinessForm, Membership, SupportStage, jsic
from org_records.schemas import StoredRecord

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControlCharacters]
OptionalText = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=300), NoControlCharacters]


def corporate_number_is_valid(number: str) -> bool:
    """法人番号: 13 digits whose first is 9 − (Σ P_n·Q_n mod 9) over the 12-digit base, read from the right."""
    if len(number) != 13 or not number.isascii() or not number.isdigit():
        return False
    base = number[1:]
    total = sum(int(digit) * (1 if n % 2 == 1 else 2) for n, digit in enumerate(reversed(base), start=1))
    return int(number[0]) == 9 - total % 9


def _normalise_corporate_number(value: object) -> object:
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).replace("-", "").replace(" ", "") or None
    return value


def _check_corporate_number(value: str | None) -> str | None:
    if value is not None and not corporate_number_is_valid(value):
        raise ValueError("法人番号 must be 13 digits with a valid check digit (corporate_number)")
    return value


CorporateNumber = Annotated[
    str | None, BeforeValidator(_normalise_corporate_number), AfterValidator(_check_corporate_number)
]
"""法人番号: full-width digits, hyphens and spaces are accepted and normalised; the check digit is verified."""


class BusinessFields(BaseModel):
    """事業者: identity (private), profile, support stage and sharing consent."""

    model_config = ConfigDict(extra="forbid")

    external_code: Annotated[
        str | None, StringConstraints(strip_whitespace=True, max_length=50), NoControlCharacters
    ] = Field(default=None, description="事業者コード: the organization's own key, unique when set")
    name: Text200
    name_kana: OptionalText = None
    representative: OptionalText = None
    address: OptionalText = None
    phone: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=30), NoControlCharacters] = None
    fax: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=30), NoControlCharacters] = None
    email: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=254), NoControlCharacters] = None
    website: OptionalText = None
    corporate_number: CorporateNumber = Field(default=None, description="法人番号 (13 digits, check digit verified)")
    business_form: BusinessForm
    jsic_major: str = Field(description="業種大分類 A–T")
    jsic_middle: str | None = Field(default=None, description="業種中分類 01–99, within the major")
    employees: int | None = Field(default=None, ge=0, le=1_000_000, description="従業員数")
    employees_as_of: dt.date | None = None
    capital_yen: int | None = Field(default=None, ge=0)
    founded_on: dt.date | None = None
    membership: Membership | None = None
    disaster_affected: bool = False
    support_stage: SupportStage = SupportStage.active
    sharing_consent: bool = False
    staff_id: int | None = None

    @field_validator("external_code", mode="before")
    @classmethod
    def normalise_external_code(cls, value: object) -> object:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip() or None
        return value

    @field_validator("jsic_major")
    @classmethod
    def check_jsic_major(cls, value: str) -> str:
        value = unicodedata.normalize("NFKC", value).strip().upper()
        if value not in jsic().majors:
            raise ValueError(f"業種大分類 must be one of A–T, not {value!r}")
        return value

    @field_validator("jsic_middle", mode="before")
    @classmethod
    def normalise_jsic_middle(cls, value: object) -> object:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip() or None
        if isinstance(value, int):
            value = f"{value:02d}"
        return value

    @field_validator("jsic_middle")
    @classmethod
    def check_jsic_middle_in_major(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        major = jsic().major_of(value)
        if major is None:
            raise ValueError(f"業種中分類 {value!r} does not exist (01–99)")
        if "jsic_major" in info.data and major != info.data["jsic_major"]:
            raise ValueError(f"業種中分類 {value} belongs to 大分類 {major}, not {info.data['jsic_major']}")
        return value


class BusinessPatch(BaseModel):
    """A partial change, validated as a whole once merged; `version`, when given, must be the stored one."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    name_kana: str | None = None
    representative: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    corporate_number: str | None = None
    business_form: BusinessForm | None = None
    jsic_major: str | None = None
    jsic_middle: str | None = None
    employees: int | None = None
    employees_as_of: dt.date | None = None
    capital_yen: int | None = None
    founded_on: dt.date | None = None
    membership: Membership | None = None
    disaster_affected: bool | None = None
    support_stage: SupportStage | None = None
    sharing_consent: bool | None = None
    staff_id: int | None = None
    version: int | None = None


class BusinessOut(BusinessFields, StoredRecord):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    business_form_label: str = ""
    jsic_major_label: str = ""
    jsic_middle_label: str = ""
    support_stage_label: str = ""

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.business_form_label = self.business_form.label
        self.jsic_major_label = jsic().major_label(self.jsic_major)
        self.jsic_middle_label = jsic().middle_label(self.jsic_middle or "")
        self.support_stage_label = self.support_stage.label
        return self
