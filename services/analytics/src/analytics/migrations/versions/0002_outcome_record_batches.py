"""outcome_record_batches: the store's count of committed batches of outcome records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 11:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    batches = op.create_table(
        "outcome_record_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_record_batches")),
    )
    op.bulk_insert(batches, [{"id": 1, "committed": 0}])


def downgrade() -> None:
    op.drop_table("outcome_record_batches")
