"""search index: pre-tokenised terms, FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00.000000

Rows ingested before this revision have empty term lists: `python -m exchange rebuild` re-reads the stream.
On SQLite the triggers belong to shared_goal: a later batch migration that recreates the table must recreate
them and rebuild the FTS table (`INSERT INTO shared_goal_fts(shared_goal_fts) VALUES ('rebuild')`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ("search_words", "search_synonyms", "search_labels", "search_bigrams")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("shared_goal", schema=None) as batch_op:
        for name in SEARCH_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("search_vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True)
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_shared_goal_search_vector ON shared_goal USING gin (search_vector)")
        return
    # External content: the index reads the term lists from shared_goal by rowid, and the triggers keep it
    # in step with every insert, upsert and delete. detail=column: no positions (no phrase queries are made),
    # a much smaller index, column filters still work.
    columns = ", ".join(SEARCH_COLUMNS)
    new_values = ", ".join(f"new.{name}" for name in SEARCH_COLUMNS)
    old_values = ", ".join(f"old.{name}" for name in SEARCH_COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE shared_goal_fts USING fts5({columns}, content='shared_goal', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 0', detail=column)"
    )
    op.execute(
        f"CREATE TRIGGER shared_goal_fts_insert AFTER INSERT ON shared_goal BEGIN "
        f"INSERT INTO shared_goal_fts(rowid, {columns}) VALUES (new.rowid, {new_values}); END"
    )
    op.execute(
        f"CREATE TRIGGER shared_goal_fts_delete AFTER DELETE ON shared_goal BEGIN "
        f"INSERT INTO shared_goal_fts(shared_goal_fts, rowid, {columns}) VALUES ('delete', old.rowid, {old_values}); "
        "END"
    )
    op.execute(
        f"CREATE TRIGGER shared_goal_fts_update AFTER UPDATE OF {columns} ON shared_goal BEGIN "
        f"INSERT INTO shared_goal_fts(shared_goal_fts, rowid, {columns}) VALUES ('delete', old.rowid, {old_values}); "
        f"INSERT INTO shared_goal_fts(rowid, {columns}) VALUES (new.rowid, {new_values}); END"
    )
    op.execute("INSERT INTO shared_goal_fts(shared_goal_fts) VALUES ('rebuild')")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_shared_goal_search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER shared_goal_fts_{trigger}")
        op.execute("DROP TABLE shared_goal_fts")
    with op.batch_alter_table("shared_goal", schema=None) as batch_op:
        for name in (*SEARCH_COLUMNS, "search_vector"):
            batch_op.drop_column(name)
