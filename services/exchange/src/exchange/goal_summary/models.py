from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from exchange.db import Base


class SharedGoal(Base):
    """A goal summary as published by its organization; a tombstone keeps only its key and version.

    Holds exactly the fields of sharing-policy.md §1: there is nowhere to put a business's identity.
    """

    __tablename__ = "shared_goal"
    __table_args__ = (
        Index("ix_shared_goal_listing", "withdrawn", "set_on"),
        Index("ix_shared_goal_ingested_seq", "ingested_seq", "org_id", "goal_ref"),
    )

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    goal_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    org_name: Mapped[str] = mapped_column(String(200), default="")
    staff_name: Mapped[str] = mapped_column(String(100), default="")
    staff_handle: Mapped[str] = mapped_column(String(64), default="")
    business_form: Mapped[str] = mapped_column(String(20), default="")
    jsic_major: Mapped[str] = mapped_column(String(1), default="")
    jsic_middle: Mapped[str] = mapped_column(String(2), default="")
    employee_band: Mapped[str] = mapped_column(String(10), default="")
    set_on: Mapped[dt.date | None] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(20), default="")
    achieved_on: Mapped[dt.date | None] = mapped_column(Date)
    ingested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

    # The search index's input (analysis.py): the four term lists, space-separated, from which each exchange
    # process loads its in-memory index (index.py) without analysing the texts again.
    search_words: Mapped[str] = mapped_column(Text, default="")
    search_synonyms: Mapped[str] = mapped_column(Text, default="")
    search_labels: Mapped[str] = mapped_column(Text, default="")
    search_bigrams: Mapped[str] = mapped_column(Text, default="")
    ingested_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    """Stamped by every write, so that each process's index reads what changed since it last looked (index.py):
    SQLite: the stored maximum + 1; PostgreSQL: the writing transaction's id."""
