"""The organization's register as the scrubber sees it, rebuilt after the register changes."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from org_records.business.repository import BusinessRepository
from org_records.sharing.scrub import GoalTextScrubber, RegisteredBusiness


class RegisterScrubber:
    """One scrubber per organization; every business change marks it stale, the next use rebuilds it.

    The rebuild reads the register inside the caller's transaction, so a business created in the same
    request is already known when its first goal is scrubbed.
    """

    def __init__(self) -> None:
        self._scrubber: GoalTextScrubber | None = None
        self._register_version = 0
        self._built_version = -1
        self._lock = asyncio.Lock()
        self.businesses = BusinessRepository()

    def register_changed(self) -> None:
        self._register_version += 1

    async def current(self, session: AsyncSession) -> GoalTextScrubber:
        async with self._lock:
            if self._scrubber is None or self._built_version != self._register_version:
                version = self._register_version
                register = [RegisteredBusiness.of(row) for row in await self.businesses.identities(session)]
                self._scrubber = await asyncio.to_thread(GoalTextScrubber, register)
                self._built_version = version
            return self._scrubber
