from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class ReadOut(BaseModel):
    """既読: when the caller first read the notice."""

    notice_id: int
    read_at: dt.datetime


class Reader(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    staff_id: int
    name: str
    role: str
    read_at: dt.datetime


class OrganizationReceipts(BaseModel):
    """One organization's reads. The hub keeps no staff lists, so "unread" is known per organization (nobody
    there has read it); the organization itself knows which of its staff have not, and a reminder reaches them."""

    org_id: str
    org_name: str
    org_kind: str
    targeted: bool = Field(description="the organization is in the audience (a moderator's read is listed too)")
    read_count: int = Field(description="staff of the organization who read it")
    unread: bool = Field(description="in the audience and nobody there has read it yet (未読)")
    readers: list[Reader]


class ReceiptsOut(BaseModel):
    """既読状況 per organization of the audience, unread organizations first."""

    notice_id: int
    organizations: list[OrganizationReceipts]
    organizations_read: int = Field(description="targeted organizations where at least one member of staff read it")
    organizations_unread: int = Field(description="targeted organizations where nobody has read it")
    read_count: int = Field(description="staff who read it, in all")


class ReminderOut(BaseModel):
    """督促: the organizations asked to remind those of their staff who have not read the notice."""

    notice_id: int
    org_ids: list[str]
    reminded_at: dt.datetime
