from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from banso_core.db import UtcDateTime, utc_now
from org_records.db import Base
from org_records.staff.models import Id


class OutcomeRecordMark(Base):
    """A business-quarter whose outcome record may have changed, written with the change that may have changed it.

    Rows are only ever added by writers and removed, by id, by the worker that recomputed them, so a mark
    written while a round is computing survives into the next round. No foreign key: a deleted business's mark
    is what publishes its tombstones.
    """

    __tablename__ = "outcome_record_mark"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    business_id: Mapped[int | None] = mapped_column(Id)
    """None: every business of `jsic_major` (the register changed there) or of the register (the plan changed)."""
    fiscal_year: Mapped[int | None] = mapped_column(SmallInteger)
    """None (with `quarter`): every quarter of the business."""
    quarter: Mapped[int | None] = mapped_column(SmallInteger)
    jsic_major: Mapped[str | None] = mapped_column(String(1))
    """With no business: every business of this 業種大分類 (its k-anonymity moved); None: of the register."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class PublishedOutcomeRecord(Base):
    """What was last queued for one business-quarter: its version and a hash of its content (or a tombstone).

    Kept after the business is deleted, with the pseudonym it was published under, so that its tombstones can
    be published and nothing is withdrawn twice. Keyed by the pseudonym, not the id: SQLite hands a deleted
    business's id to the next business, whose pseudonym (which hashes the creation time too) differs.
    """

    __tablename__ = "outcome_record_published"
    __table_args__ = (Index("ix_outcome_record_published_business_id", "business_id"),)

    business_ref: Mapped[str] = mapped_column(String(32), primary_key=True)
    business_id: Mapped[int] = mapped_column(Id)
    fiscal_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the record's content without version and time; empty for a tombstone."""
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    """The last message was a tombstone."""
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

    @property
    def quarter_key(self) -> tuple[int, int]:
        return self.fiscal_year, self.quarter
