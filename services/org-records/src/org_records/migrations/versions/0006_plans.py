"""経営発達支援計画: plans with themes, KPIs (yearly targets) and KGIs

Revision ID: 0006_plans
Revises: 0005_monitoring
Create Date: 2026-11-24 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

# revision identifiers, used by Alembic.
revision: str = "0006_plans"
down_revision: str | Sequence[str] | None = "0005_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "plan",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_starts_on"), ["starts_on"], unique=False)

    op.create_table(
        "plan_theme",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("plan_id", Id, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_theme_plan_id_plan"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_theme")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_plan_theme_plan_id")),
    )
    with op.batch_alter_table("plan_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_theme_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_kpi",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("plan_id", Id, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("verified_only", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_kpi_plan_id_plan"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_kpi")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_plan_kpi_plan_id")),
    )
    with op.batch_alter_table("plan_kpi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_kpi_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_kpi_target",
        sa.Column("kpi_id", Id, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["plan_kpi.id"], name=op.f("fk_plan_kpi_target_kpi_id_plan_kpi"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kpi_id", "fiscal_year", name=op.f("pk_plan_kpi_target")),
    )

    op.create_table(
        "plan_kgi",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("plan_id", Id, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("condition", sa.String(length=60), nullable=False),
        sa.Column("threshold_percent", sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_kgi_plan_id_plan"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_kgi")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_plan_kgi_plan_id")),
    )
    with op.batch_alter_table("plan_kgi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_kgi_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("plan_kgi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_kgi_plan_id"))
    op.drop_table("plan_kgi")
    op.drop_table("plan_kpi_target")
    with op.batch_alter_table("plan_kpi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_kpi_plan_id"))
    op.drop_table("plan_kpi")
    with op.batch_alter_table("plan_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_theme_plan_id"))
    op.drop_table("plan_theme")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_starts_on"))
    op.drop_table("plan")
