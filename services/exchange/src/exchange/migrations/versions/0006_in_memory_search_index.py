"""in-memory search index: drop FTS5 and the tsvector/GIN index, stamp every write with ingested_seq

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 11:30:00

Each exchange process now holds the search index in memory (goal_summary/index.py), loaded from the term
columns and kept in step by `ingested_seq`. Rows of a PostgreSQL store written before this revision have empty
term columns (only their tsvector held the terms): the index analyses their texts while loading, or
`python -m exchange rebuild` stores the terms.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ("search_words", "search_synonyms", "search_labels", "search_bigrams")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_shared_goal_search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS shared_goal_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS shared_goal_fts")
    with op.batch_alter_table("shared_goal", schema=None) as batch_op:
        batch_op.drop_column("search_vector")
        batch_op.add_column(sa.Column("ingested_seq", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.create_index("ix_shared_goal_ingested_seq", ["ingested_seq", "org_id", "goal_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shared_goal", schema=None) as batch_op:
        batch_op.drop_index("ix_shared_goal_ingested_seq")
        batch_op.drop_column("ingested_seq")
        batch_op.add_column(
            sa.Column("search_vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_shared_goal_search_vector ON shared_goal USING gin (search_vector)")
        return
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
