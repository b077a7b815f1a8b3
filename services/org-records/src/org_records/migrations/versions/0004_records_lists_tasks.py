"""records: tasks, organization profile, keyset indexes for lists

Revision ID: 0004_records_lists_tasks
Revises: 0003_auth_audit
Create Date: 2026-11-21 02:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

# revision identifiers, used by Alembic.
revision: str = "0004_records_lists_tasks"
down_revision: str | Sequence[str] | None = "0003_auth_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LISTED_TABLES = ("business", "goal", "support_session")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "organization",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("prefecture_code", sa.String(length=2), nullable=True),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("corporate_number", sa.String(length=13), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("goal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_task_goal_id_goal"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index("ix_task_updated_at_id", ["updated_at", "id"], unique=False)
    for table in LISTED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_updated_at_id", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for table in LISTED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_updated_at_id")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_updated_at_id")
        batch_op.drop_index(batch_op.f("ix_task_goal_id"))
    op.drop_table("task")
    op.drop_table("organization")
