"""staff logins and the audit log

Revision ID: 0003_auth_audit
Revises: 0002
Create Date: 2026-11-21 02:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

revision: str = "0003_auth_audit"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_staff_login"), ["login"])

    op.create_table(
        "audit_entry",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("staff_id", Id, nullable=False),
        sa.Column("staff_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("business_id", Id, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index("ix_audit_entry_business_id_at", ["business_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_entry")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_staff_login"), type_="unique")
        batch_op.drop_column("password_hash")
        batch_op.drop_column("login")
