"""similar goal pairs: 類似目標のお知らせ, once per pair

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 05:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from banso_core.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "similar_goal_pair",
        sa.Column("alert_id", sa.String(length=64), nullable=False),
        sa.Column("first_org_id", sa.String(length=64), nullable=False),
        sa.Column("first_goal_ref", sa.String(length=64), nullable=False),
        sa.Column("first_staff_handle", sa.String(length=64), nullable=False),
        sa.Column("second_org_id", sa.String(length=64), nullable=False),
        sa.Column("second_goal_ref", sa.String(length=64), nullable=False),
        sa.Column("second_staff_handle", sa.String(length=64), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("found_at", UtcDateTime(), nullable=False),
        sa.Column("alerted", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_similar_goal_pair")),
    )
    op.create_index(
        "ix_similar_goal_pair_first_handle", "similar_goal_pair", ["first_staff_handle", "found_at"], unique=False
    )
    op.create_index(
        "ix_similar_goal_pair_second_handle", "similar_goal_pair", ["second_staff_handle", "found_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_similar_goal_pair_second_handle", table_name="similar_goal_pair")
    op.drop_index("ix_similar_goal_pair_first_handle", table_name="similar_goal_pair")
    op.drop_table("similar_goal_pair")
