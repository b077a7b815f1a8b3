from __future__ import annotations

from banso_core import outbox
from notices.outbox.models import OutboxMessage


class OutboxRepository(outbox.OutboxRepository[OutboxMessage]):
    def __init__(self) -> None:
        super().__init__(OutboxMessage)
