"""notice feed alerts: 類似目標のお知らせ for one 担当者

Revision ID: 0010_notice_feed_alerts
Revises: 0009_notice_feed
Create Date: 2026-11-21 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

# revision identifiers, used by Alembic.
revision: str = "0010_notice_feed_alerts"
down_revision: str | Sequence[str] | None = "0009_notice_feed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_feed_alert",
        sa.Column("alert_id", sa.String(length=64), nullable=False),
        sa.Column("staff_handle", sa.String(length=64), nullable=False),
        sa.Column("goal_ref", sa.String(length=64), nullable=False),
        sa.Column("goal_text", sa.String(length=400), nullable=False),
        sa.Column("other_org_id", sa.String(length=64), nullable=False),
        sa.Column("other_org_name", sa.String(length=200), nullable=False),
        sa.Column("other_goal_ref", sa.String(length=64), nullable=False),
        sa.Column("other_goal_text", sa.String(length=400), nullable=False),
        sa.Column("other_staff_name", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("shared_terms", sa.JSON(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("found_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_notice_feed_alert")),
    )
    op.create_index(
        "ix_notice_feed_alert_staff_handle", "notice_feed_alert", ["staff_handle", "found_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notice_feed_alert_staff_handle", table_name="notice_feed_alert")
    op.drop_table("notice_feed_alert")
