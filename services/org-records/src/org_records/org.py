from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from banso_core.vocabulary import OrgKind
from org_records.sharing.anonymity import DEFAULT_K
from org_records.sharing.register import RegisterScrubber


@dataclass(frozen=True)
class OrgIdentity:
    """The organization this instance serves, and the secret that keeps its published references opaque."""

    org_id: str
    org_name: str
    org_kind: OrgKind
    sharing_secret: bytes
    k_anonymity: int = DEFAULT_K
    """k of sharing-policy.md §3: how many businesses of the register a published description must fit."""
    register_scrubber: RegisterScrubber = field(default_factory=RegisterScrubber, compare=False, repr=False)

    def opaque_ref(self, kind: str, internal_id: int, created_at: dt.datetime) -> str:
        """A stable keyed hash of a record: unlinkable without the secret, never the id itself. The creation time
        is part of it because SQLite hands a deleted row's id to the next row; the pair is never reused."""
        created = created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        digest = hmac.new(self.sharing_secret, f"{kind}:{internal_id}:{created}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


async def current_org(request: Request) -> OrgIdentity:
    org: OrgIdentity = request.app.state.org
    return org


CurrentOrg = Annotated[OrgIdentity, Depends(current_org)]
