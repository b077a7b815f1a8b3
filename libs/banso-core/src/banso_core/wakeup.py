"""Background rounds (an outbox relay, the inquiry relay, the outcome-record worker) woken by the commits that give
them work, else every `poll_seconds`: a writer calls `wake_after_commit(session, name)` in its transaction, and the
round named `name` over that database wakes once the transaction commits (never after a rollback)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from banso_core.db import Database

_PENDING = "banso_wake_after_commit"


def _waker(name: str) -> str:
    return f"banso_wake:{name}"


def wake_after_commit(session: Any, name: str) -> None:
    """This transaction wrote work for the background round `name` (a `Session` or an `AsyncSession`)."""
    session.info.setdefault(_PENDING, set()).add(name)


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    for name in session.info.pop(_PENDING, ()):
        if wake := session.info.get(_waker(name)):
            wake()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


class Wakeup:
    """The wake-up of the round `name` over `database`: woken by a commit that gave it work, by `stop`, or after
    `poll_seconds`."""

    def __init__(self, database: Database, name: str, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._woken = asyncio.Event()
        self._stopping = asyncio.Event()
        info = dict(database.sessions.kw.get("info") or {})
        database.sessions.configure(info=info | {_waker(name): self.wake})

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopping.set()
        self._woken.set()

    def start_round(self) -> None:
        """A round begins: a commit from here on wakes the next `wait`."""
        self._woken.clear()

    async def wait(self) -> bool:
        """Until woken or `poll_seconds` have passed; whether it was woken."""
        try:
            await asyncio.wait_for(self._woken.wait(), timeout=self.poll_seconds)
        except TimeoutError:
            return False
        return True

    async def linger(self, seconds: float) -> None:
        """Let a burst of writes gather (cut short by `stop`)."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass
