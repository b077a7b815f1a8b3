from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, field_validator, model_validator

from banso_core.text import NoControlCharacters
from banso_core.vocabulary import StaffRole

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoControlCharacters
]
Email = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=254), NoControlCharacters]
Login = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")]
MIN_PASSWORD_LENGTH = 8


def check_password(value: SecretStr | None) -> SecretStr | None:
    if value is not None and not MIN_PASSWORD_LENGTH <= len(value.get_secret_value()) <= 128:
        raise ValueError(f"パスワード (password) must be {MIN_PASSWORD_LENGTH}–128 characters")
    return value


class StaffFields(BaseModel):
    """担当者: `display_name` is what other organizations see beside a shared goal."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName
    email: Email = None
    role: StaffRole = StaffRole.advisor
    active: bool = True
    login: Login | None = Field(default=None, description="ログインID (3–64: a–z, 0–9, . _ -); none means no sign-in")
    password: SecretStr | None = Field(default=None, description="パスワード (8–128 characters); needs a login")

    _password = field_validator("password")(check_password)


class StaffPatch(BaseModel):
    """A change to a member of staff: role, active flag, name, e-mail, or a new password."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    email: Email = None
    role: StaffRole | None = None
    active: bool | None = None
    login: Login | None = None
    password: SecretStr | None = None

    _password = field_validator("password")(check_password)


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    display_name: str
    email: str | None
    role: StaffRole
    role_label: str = ""
    active: bool
    login: str | None
    created_at: dt.datetime

    @model_validator(mode="after")
    def fill_labels(self) -> Self:
        self.role_label = self.role.label
        return self
