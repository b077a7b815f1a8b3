"""quarterly monitoring, policy support, outcome events, period locks

Revision ID: 0005_monitoring
Revises: 0004_records_lists_tasks
Create Date: 2026-11-21 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

# revision identifiers, used by Alembic.
revision: str = "0005_monitoring"
down_revision: str | Sequence[str] | None = "0004_records_lists_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "quarterly_financials",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("business_id", Id, nullable=False),
        sa.Column("fiscal_year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("sales_target", sa.BigInteger(), nullable=True),
        sa.Column("sales_actual", sa.BigInteger(), nullable=True),
        sa.Column("gross_profit_target", sa.BigInteger(), nullable=True),
        sa.Column("gross_profit_actual", sa.BigInteger(), nullable=True),
        sa.Column("operating_profit_target", sa.BigInteger(), nullable=True),
        sa.Column("operating_profit_actual", sa.BigInteger(), nullable=True),
        sa.Column("ordinary_profit_target", sa.BigInteger(), nullable=True),
        sa.Column("ordinary_profit_actual", sa.BigInteger(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("labor_cost", sa.BigInteger(), nullable=True),
        sa.Column("depreciation", sa.BigInteger(), nullable=True),
        sa.Column("existing_customer_sales", sa.BigInteger(), nullable=True),
        *_bookkeeping(),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_quarterly_financials_quarter_range")),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
            name=op.f("fk_quarterly_financials_business_id_business"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarterly_financials")),
        sa.UniqueConstraint("business_id", "fiscal_year", "quarter", name=op.f("uq_quarterly_financials_business_id")),
    )
    with op.batch_alter_table("quarterly_financials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarterly_financials_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quarterly_financials_fiscal_year"), ["fiscal_year"], unique=False)

    op.create_table(
        "policy_support",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("business_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("program", sa.String(length=100), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("amount_requested_yen", sa.BigInteger(), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("amount_granted_yen", sa.BigInteger(), nullable=True),
        *_bookkeeping(),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_policy_support_business_id_business"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_support")),
    )
    with op.batch_alter_table("policy_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_support_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_policy_support_decided_on"), ["decided_on"], unique=False)

    op.create_table(
        "outcome_event",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("business_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("goal_id", Id, nullable=True),
        *_bookkeeping(),
        sa.ForeignKeyConstraint(
            ["business_id"], ["business.id"], name=op.f("fk_outcome_event_business_id_business"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_outcome_event_goal_id_goal"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_event")),
    )
    with op.batch_alter_table("outcome_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_event_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_event_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_event_occurred_on"), ["occurred_on"], unique=False)

    op.create_table(
        "period_lock",
        sa.Column("fiscal_year", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("quarter", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("locked_by_staff_id", Id, nullable=True),
        sa.Column("locked_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_period_lock_quarter_range")),
        sa.ForeignKeyConstraint(
            ["locked_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_period_lock_locked_by_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("fiscal_year", "quarter", name=op.f("pk_period_lock")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("period_lock")
    with op.batch_alter_table("outcome_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_event_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_outcome_event_goal_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_event_business_id"))
    op.drop_table("outcome_event")
    with op.batch_alter_table("policy_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_support_decided_on"))
        batch_op.drop_index(batch_op.f("ix_policy_support_business_id"))
    op.drop_table("policy_support")
    with op.batch_alter_table("quarterly_financials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarterly_financials_fiscal_year"))
        batch_op.drop_index(batch_op.f("ix_quarterly_financials_business_id"))
    op.drop_table("quarterly_financials")
