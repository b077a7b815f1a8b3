from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from banso_core.text import NoControlCharacters

StaffRole = Literal["advisor", "lead_advisor", "assistant", "clerk", "org_admin", "prefecture", "readonly"]


class StaffFields(BaseModel):
    """担当者: `display_name` is what other organizations see beside a shared goal."""

    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoControlCharacters
    ]
    email: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=254)] = None
    role: StaffRole = "advisor"
    active: bool = True


class StaffOut(StaffFields):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    created_at: dt.datetime
