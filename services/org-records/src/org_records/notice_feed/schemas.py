from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class NoticeFeedEntry(BaseModel):
    """One notice of the feed, as a member of staff sees it."""

    notice_id: int
    kind: str
    kind_label: str
    category: str | None
    category_label: str | None
    title: str
    publish_at: dt.datetime
    expires_at: dt.datetime | None
    pinned: bool
    author_org_id: str
    author_name: str
    comment_count: int
    last_comment_at: dt.datetime | None
    new: bool = Field(description="published at or after `since`")
    reminded: bool = Field(description="督促: its author asked for it to be read, and the caller had not read it")


class SimilarGoalAlertEntry(BaseModel):
    """類似目標のお知らせ (他団体で類似の目標が登録されました): the caller's goal and the similar one, whose 担当者
    they can ask (both as the exchange shows them)."""

    alert_id: str
    title: str = "他団体で類似の目標が登録されました"
    goal_ref: str
    goal_text: str
    other_org_id: str
    other_org_name: str
    other_goal_ref: str
    other_goal_text: str
    other_staff_name: str
    category: str
    category_label: str
    shared_terms: list[str]
    similarity: float
    found_at: dt.datetime
    other_goal_similar_path: str = Field(description="the exchange's 似た目標 of the other goal (GET, exchange API)")
    new: bool = Field(description="found at or after `since`")


class NoticeFeed(BaseModel):
    """お知らせ for the caller (their role), pinned first, then newest first; and the caller's own similar-goal
    alerts."""

    items: list[NoticeFeedEntry]
    alerts: list[SimilarGoalAlertEntry] = Field(default_factory=list)
    since: dt.datetime
    badge: int = Field(description="notices new since `since` or reminded to the caller, and new alerts")


class NoticeDigest(BaseModel):
    """日次ダイジェスト: the notices published on one day (Japan time) for the caller, and the comments of that day."""

    day: dt.date
    items: list[NoticeFeedEntry]
    comments: int = Field(description="comments written that day on the notices the caller sees")
