from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class PublishedOutcomeRecord(BaseModel):
    """The fields of `banso.events.v1.OutcomeRecord`, exactly as they would leave (see the .proto for each)."""

    business_ref: str = Field(description="business pseudonym (HMAC with the organization's secret)")
    op: str
    version: int
    updated_at: dt.datetime
    org_id: str
    fiscal_year: int
    fiscal_quarter: int
    jsic_major: str
    employee_band: str
    support_stage: str
    plan_themes: list[str]
    sessions_by_approach: dict[str, int]
    sessions_by_attitude: dict[str, int]
    goals_set_by_category: dict[str, int]
    goals_achieved_by_category: dict[str, int]
    goals_dropped_by_category: dict[str, int]
    sales_yoy_percent: float | None = Field(description="null: absent (not computable), which is not 0")
    gross_margin_change_points: float | None
    operating_profit_yoy_percent: float | None
    labor_productivity_yoy_percent: float | None
    existing_customer_share_change_points: float | None
    policy_supports_applied_by_kind: dict[str, int]
    policy_supports_adopted_by_kind: dict[str, int]
    outcome_events_by_kind: dict[str, int]
    sessions_by_approach_attitude: dict[str, int] = Field(
        default_factory=dict, description='sessions by "approach/attitude" (e.g. "listening/positive")'
    )


class OutcomeRecordPreview(BaseModel):
    """One fiscal quarter's outcome record (成果レコード) as it would be published now."""

    quarter: str = Field(description="the fiscal quarter, e.g. 2026Q1")
    quarter_label: str = Field(description="e.g. 令和8年度 第1四半期")
    subject: str = Field(description="the NATS subject it is published on")
    changed: bool = Field(description="it differs from the record last published (a new version would leave)")
    record: PublishedOutcomeRecord


class OutcomeRecordsPreview(BaseModel):
    """成果レコードのプレビュー: every record that would leave the organization for this business, for analytics."""

    business_id: int
    shared: bool
    """False when the business has not consented (共有同意): nothing leaves, and what left is withdrawn."""
    reason: str | None = None
    records: list[OutcomeRecordPreview] = []
