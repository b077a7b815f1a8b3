"""inquiry inbox: 問い合わせ from other organizations' advisors, delivered to the goal's 担当者, and replies

Revision ID: 0011_inquiry_inbox
Revises: 0010_notice_feed_alerts
Create Date: 2026-11-21 06:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

# revision identifiers, used by Alembic.
revision: str = "0011_inquiry_inbox"
down_revision: str | Sequence[str] | None = "0010_notice_feed_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "inbox_inquiry",
        sa.Column("inquiry_id", sa.String(length=32), nullable=False),
        sa.Column("goal_ref", sa.String(length=64), nullable=False),
        sa.Column("goal_id", Id, nullable=True),
        sa.Column("staff_id", Id, nullable=True),
        sa.Column("asker_org_id", sa.String(length=64), nullable=False),
        sa.Column("asker_org_name", sa.String(length=200), nullable=False),
        sa.Column("asker_staff_name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("asked_at", banso_core.db.UtcDateTime(), nullable=False),
        sa.Column("received_at", banso_core.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_inbox_inquiry_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("inquiry_id", name=op.f("pk_inbox_inquiry")),
    )
    op.create_index("ix_inbox_inquiry_staff", "inbox_inquiry", ["staff_id", "asked_at"], unique=False)
    op.create_table(
        "inbox_reply",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("inquiry_id", sa.String(length=32), nullable=False),
        sa.Column("staff_id", Id, nullable=True),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("replied_at", banso_core.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inbox_inquiry.inquiry_id"],
            name=op.f("fk_inbox_reply_inquiry_id_inbox_inquiry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_inbox_reply_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_reply")),
    )
    op.create_index("ix_inbox_reply_inquiry", "inbox_reply", ["inquiry_id", "replied_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_reply_inquiry", table_name="inbox_reply")
    op.drop_table("inbox_reply")
    op.drop_index("ix_inbox_inquiry_staff", table_name="inbox_inquiry")
    op.drop_table("inbox_inquiry")
