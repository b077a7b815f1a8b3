"""notice search terms: Japanese analysis of title and body (banso_core.japanese)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from banso_core.japanese import index_text

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_terms", sa.Text(), nullable=False, server_default=""))
    notice = sa.table("notice", sa.column("id", sa.BigInteger), sa.column("title", sa.String), sa.column("body", sa.Text),
                      sa.column("search_terms", sa.Text))  # fmt: skip
    connection = op.get_bind()
    for row in connection.execute(sa.select(notice.c.id, notice.c.title, notice.c.body)).all():
        terms = index_text(f"{row.title}\n{row.body}")
        connection.execute(sa.update(notice).where(notice.c.id == row.id).values(search_terms=terms))


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("search_terms")
