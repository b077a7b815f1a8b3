from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import OrgKind
from org_records.business.schemas import CorporateNumber

OrgSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")]


def municipality_check_digit(code5: str) -> int:
    """全国地方公共団体コード (JIS X 0402): the sixth digit from the first five weighted 6, 5, 4, 3, 2 (mod 11)."""
    remainder = sum(int(digit) * weight for digit, weight in zip(code5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - remainder) % 10


def _digits(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip().replace("-", "") or None
    return value


class OrganizationFields(BaseModel):
    """団体: name, kind, parent (a 商工会 under its 商工会連合会) and public codes."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControlCharacters]
    kind: OrgKind = Field(description="団体の種類")
    parent_id: OrgSlug | None = Field(default=None, description="上部団体 (e.g. the 商工会連合会 of a 商工会)")
    prefecture_code: str | None = Field(default=None, description="都道府県コード JIS X 0401, 2 digits (石川県 = 17)")
    municipality_code: str | None = Field(
        default=None, description="市区町村コード JIS X 0402: 5 digits, or 6 with its check digit"
    )
    corporate_number: CorporateNumber = Field(default=None, description="法人番号 (13 digits, check digit verified)")

    @field_validator("parent_id", mode="before")
    @classmethod
    def normalise_parent_id(cls, value: object) -> object:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("prefecture_code", "municipality_code", mode="before")
    @classmethod
    def normalise_code(cls, value: object) -> object:
        return _digits(value)

    @field_validator("prefecture_code")
    @classmethod
    def check_prefecture_code(cls, value: str | None) -> str | None:
        if value is not None and not (
            len(value) == 2 and value.isascii() and value.isdigit() and 1 <= int(value) <= 47
        ):
            raise ValueError("都道府県コード (prefecture_code) must be two digits 01–47, e.g. 17 for 石川県")
        return value

    @field_validator("municipality_code")
    @classmethod
    def check_municipality_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if len(value) not in (5, 6) or not value.isascii() or not value.isdigit():
            raise ValueError("市区町村コード (municipality_code) must be 5 digits, or 6 with the check digit")
        if len(value) == 6 and int(value[5]) != municipality_check_digit(value[:5]):
            raise ValueError(f"市区町村コード {value} has a wrong check digit (municipality_code)")
        prefecture = info.data.get("prefecture_code")
        if prefecture is not None and value[:2] != prefecture:
            raise ValueError(f"市区町村コード {value} is not in prefecture {prefecture} (municipality_code)")
        return value


class OrganizationPut(OrganizationFields):
    """The whole profile; `id` is fixed by the instance's settings and, when given, must be it."""

    id: str | None = None
    version: int | None = None


class OrganizationOut(OrganizationFields):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    kind_label: str = ""

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.kind_label = self.kind.label
        return self
