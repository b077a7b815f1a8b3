from __future__ import annotations

from banso_core.outbox import OutboxColumns
from org_records.db import Base


class OutboxMessage(OutboxColumns, Base):
    """A message that commits with the change it announces and leaves once the broker has acked it."""
