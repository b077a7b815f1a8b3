from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from banso_core.vocabulary import OrgKind
from org_records.sharing.register import RegisterScrubber


@dataclass(frozen=True)
class OrgIdentity:
    """The organization this instance serves, and the secret that keeps its published references opaque."""

    org_id: str
    org_name: str
    org_kind: OrgKind
    sharing_secret: bytes
    register_scrubber: RegisterScrubber = field(default_factory=RegisterScrubber, compare=False, repr=False)

    def opaque_ref(self, kind: str, internal_id: int) -> str:
        """A stable keyed hash of an internal id: unlinkable without the secret, never the id itself."""
        digest = hmac.new(self.sharing_secret, f"{kind}:{internal_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


async def current_org(request: Request) -> OrgIdentity:
    org: OrgIdentity = request.app.state.org
    return org


CurrentOrg = Annotated[OrgIdentity, Depends(current_org)]
