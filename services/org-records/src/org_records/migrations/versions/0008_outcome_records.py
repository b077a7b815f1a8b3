"""outcome records: marks of business-quarters to recompute, and what was last published of each

Revision ID: 0008_outcome_records
Revises: 0007_business_external_code
Create Date: 2026-11-21 06:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import banso_core.db

# revision identifiers, used by Alembic.
revision: str = "0008_outcome_records"
down_revision: str | Sequence[str] | None = "0007_business_external_code"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "outcome_record_mark",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("business_id", Id, nullable=True),
        sa.Column("fiscal_year", sa.SmallInteger(), nullable=True),
        sa.Column("quarter", sa.SmallInteger(), nullable=True),
        sa.Column("jsic_major", sa.String(length=1), nullable=True),
        sa.Column("created_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_record_mark")),
    )
    op.create_table(
        "outcome_record_published",
        sa.Column("business_ref", sa.String(length=32), nullable=False),
        sa.Column("business_id", Id, nullable=False),
        sa.Column("fiscal_year", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("quarter", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("updated_at", banso_core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("business_ref", "fiscal_year", "quarter", name=op.f("pk_outcome_record_published")),
    )
    op.create_index("ix_outcome_record_published_business_id", "outcome_record_published", ["business_id"])
    # One mark for the whole register: the records of a register kept before this revision are published.
    op.execute(
        "INSERT INTO outcome_record_mark (business_id, fiscal_year, quarter, created_at) "
        "VALUES (NULL, NULL, NULL, CURRENT_TIMESTAMP)"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("outcome_record_published")
    op.drop_table("outcome_record_mark")
