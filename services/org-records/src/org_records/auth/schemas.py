from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from banso_core.text import NoControlCharacters
from org_records.staff.schemas import StaffOut


class SignIn(BaseModel):
    """ログイン: the login and password of a member of staff."""

    model_config = ConfigDict(extra="forbid")

    login: Annotated[str, NoControlCharacters] = Field(min_length=1, max_length=64)
    password: SecretStr = Field(min_length=1, max_length=128)


class AccessToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")
    staff: StaffOut
