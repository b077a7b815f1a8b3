from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    UrlConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from banso_core.db import utc_now
from banso_core.text import NoControlCharacters
from banso_core.vocabulary import NoticeCategory, NoticeKind, OrgKind, StaffRole
from notices.comment.schemas import CommentOut

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_ATTACHMENTS = 10
MAX_AUDIENCE_ORGS = 500


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A timestamp without an offset is read as UTC."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("the moment is outside the range of dates this service stores") from None


Moment = Annotated[dt.datetime, AfterValidator(_as_utc)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE), NoControlCharacters
]
Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY), NoControlCharacters]
OrgSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
LinkUrl = Annotated[HttpUrl, UrlConstraints(max_length=2000, allowed_schemes=["http", "https"])]


def _distinct(values: list[Any]) -> list[Any]:
    return sorted(set(values))


class Audience(BaseModel):
    """対象: who a notice is for; all empty means everyone. An organization is in it when its kind or id is listed
    (or neither list is given); a member of its staff when, in addition, their role is listed (or no role is)."""

    model_config = ConfigDict(extra="forbid")

    org_kinds: Annotated[list[OrgKind], AfterValidator(_distinct)] = Field(
        default_factory=list, max_length=len(OrgKind), description="団体の種類 (cci 商工会議所, society 商工会, …)"
    )
    org_ids: Annotated[list[OrgSlug], AfterValidator(_distinct)] = Field(
        default_factory=list, max_length=MAX_AUDIENCE_ORGS, description="団体 (ids of the federation registry)"
    )
    roles: Annotated[list[StaffRole], AfterValidator(_distinct)] = Field(
        default_factory=list, max_length=len(StaffRole), description="担当者の役割"
    )

    @property
    def is_everyone(self) -> bool:
        return not (self.org_kinds or self.org_ids or self.roles)


class Attachment(BaseModel):
    """添付: a link to a document, http or https only."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    url: LinkUrl


class NoticeFields(BaseModel):
    """お知らせ / 投稿: what an author writes."""

    model_config = ConfigDict(extra="forbid")

    kind: NoticeKind = Field(description="official 県からのお知らせ (prefecture staff only) | post 投稿 (any staff)")
    title: Title = Field(description=f"件名 (1–{MAX_TITLE} characters)")
    body: Body = Field(description=f"本文, Markdown (1–{MAX_BODY} characters); raw HTML is shown as text")
    category: NoticeCategory | None = Field(
        default=None, validate_default=True, description="カテゴリ; required for official notices"
    )
    audience: Audience = Field(default_factory=Audience, description="対象; empty means everyone")
    publish_at: Moment | None = Field(default=None, description="掲載開始; unset: now")
    expires_at: Moment | None = Field(default=None, validate_default=True, description="掲載終了; after publish_at")
    pinned: bool = Field(default=False, validate_default=True, description="固定表示 (official notices only)")
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS, description="添付リンク")

    @field_validator("category")
    @classmethod
    def check_category(cls, value: NoticeCategory | None, info: ValidationInfo) -> NoticeCategory | None:
        if value is None and info.data.get("kind") == NoticeKind.official:
            raise ValueError("カテゴリ (category) is required for an official notice")
        return value

    @field_validator("expires_at")
    @classmethod
    def check_expires_at(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        if value is None:
            return None
        publish_at = info.data.get("publish_at") or utc_now()
        if value <= publish_at:
            raise ValueError("掲載終了 (expires_at) must be after 掲載開始 (publish_at, or now when it is unset)")
        return value

    @field_validator("pinned")
    @classmethod
    def check_pinned(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("kind") == NoticeKind.post:
            raise ValueError("only official notices are pinned (固定表示)")
        return value


class NoticePatch(BaseModel):
    """A partial change by the author; `version`, when given, must be the stored one (else 409). The kind stays."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Body | None = None
    category: NoticeCategory | None = None
    audience: Audience | None = None
    publish_at: Moment | None = None
    expires_at: Moment | None = None
    pinned: bool | None = None
    attachments: list[Attachment] | None = Field(default=None, max_length=MAX_ATTACHMENTS)
    version: int | None = None


NoticeStatus = Literal["scheduled", "published", "expired"]


class NoticeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: NoticeKind
    kind_label: str = ""
    category: NoticeCategory | None
    category_label: str | None = None
    title: str
    body: str
    body_html: str = Field(description="本文 rendered to sanitised HTML")
    audience: Audience
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    status: NoticeStatus = Field(
        default="published", description="scheduled 掲載前 | published 掲載中 | expired 掲載終了"
    )
    pinned: bool
    attachments: list[Attachment]
    author_org_id: str
    author_org_name: str
    author_staff_id: int
    author_name: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    read: bool = Field(default=False, description="既読: the caller has read it")
    comment_count: int = 0

    @model_validator(mode="after")
    def fill_derived(self) -> Self:
        self.kind_label = self.kind.label
        self.category_label = self.category.label if self.category is not None else None
        now = utc_now()
        if self.publish_at > now:
            self.status = "scheduled"
        elif self.expires_at is not None and self.expires_at <= now:
            self.status = "expired"
        else:
            self.status = "published"
        return self


class NoticePage(BaseModel):
    """Pinned first, then newest first; `total` counts every match."""

    items: list[NoticeOut]
    total: int


class NoticeSearch(BaseModel):
    """検索: what a list asks for."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoControlCharacters] = Field(
        default="",
        description="words that must all be found in the title or body (normalised forms, synonyms, or as a string)",
    )
    kind: NoticeKind | None = None
    category: NoticeCategory | None = None
    moderation: bool = Field(
        default=False, description="prefecture staff only: every notice and post, whoever it targets and whenever"
    )
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=100_000)


class NoticeDetail(NoticeOut):
    """A notice with its comments, oldest first."""

    comments: list[CommentOut] = Field(default_factory=list)
