"""inquiries: 問い合わせ threads and their messages (a question is its own outbox row)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from banso_core.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inquiry",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("asker_org_id", sa.String(length=64), nullable=False),
        sa.Column("asker_org_name", sa.String(length=200), nullable=False),
        sa.Column("asker_staff_name", sa.String(length=100), nullable=False),
        sa.Column("owner_org_id", sa.String(length=64), nullable=False),
        sa.Column("owner_org_name", sa.String(length=200), nullable=False),
        sa.Column("goal_ref", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry")),
    )
    op.create_index("ix_inquiry_asker", "inquiry", ["asker_org_id", "updated_at"], unique=False)
    op.create_index("ix_inquiry_owner", "inquiry", ["owner_org_id", "updated_at"], unique=False)
    op.create_table(
        "inquiry_message",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("inquiry_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("author_org_id", sa.String(length=64), nullable=False),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiry.id"], name=op.f("fk_inquiry_message_inquiry_id_inquiry"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_message")),
    )
    op.create_index("ix_inquiry_message_thread", "inquiry_message", ["inquiry_id", "written_at"], unique=False)
    op.create_index("ix_inquiry_message_unpublished", "inquiry_message", ["kind", "published_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inquiry_message_unpublished", table_name="inquiry_message")
    op.drop_index("ix_inquiry_message_thread", table_name="inquiry_message")
    op.drop_table("inquiry_message")
    op.drop_index("ix_inquiry_owner", table_name="inquiry")
    op.drop_index("ix_inquiry_asker", table_name="inquiry")
    op.drop_table("inquiry")
