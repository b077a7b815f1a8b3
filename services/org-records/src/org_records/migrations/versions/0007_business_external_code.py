"""business external code (事業者コード) for imports

Revision ID: 0007_business_external_code
Revises: 0006_plans
Create Date: 2026-11-21 01:55:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007_business_external_code"
down_revision: str | Sequence[str] | None = "0006_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("business", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_code", sa.String(length=50), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_business_external_code"), ["external_code"])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("business", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_business_external_code"), type_="unique")
        batch_op.drop_column("external_code")
