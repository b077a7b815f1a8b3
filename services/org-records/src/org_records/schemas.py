from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class StoredRecord(BaseModel):
    """The bookkeeping fields every stored record answers with."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
