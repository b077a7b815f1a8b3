"""Who is calling the notices service: a member of staff of a member organization, and what that allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from banso_core.errors import Forbidden, Unauthenticated
from banso_core.federation import MemberOrganizations, MemberStaff
from banso_core.tokens import Principal
from banso_core.vocabulary import StaffRole


@dataclass(frozen=True)
class Caller:
    """担当者 of a member organization, with their organization's name and kind from the federation registry and
    their role from their token."""

    org_id: str
    org_name: str
    org_kind: str
    staff_id: int
    name: str
    role: str

    @property
    def is_prefecture(self) -> bool:
        """県職員: staff of the prefecture's own entry post official notices and moderate."""
        return self.org_kind == "prefecture"

    def is_author(self, org_id: str, staff_id: int) -> bool:
        return self.org_id == org_id and self.staff_id == staff_id

    def check_may_write(self) -> None:
        if self.role == StaffRole.readonly:
            raise Forbidden(f"{StaffRole.readonly.label}の担当者は投稿できません (read-only staff cannot post)")

    @property
    def signature(self) -> str:
        """Who did it, for the audit trail and moderation notes."""
        return f"{self.name} ({self.org_id}/{self.staff_id})"


def caller_of(principal: Principal, members: MemberOrganizations) -> Caller:
    organization = members.get(principal.org)
    if organization is None:
        raise Unauthenticated(f"{principal.org!r} is not a member organization of the federation registry")
    return Caller(
        org_id=organization.id,
        org_name=organization.name,
        org_kind=organization.kind,
        staff_id=principal.staff,
        name=principal.name[:100],
        role=principal.role,
    )


def current_caller(request: Request, principal: MemberStaff) -> Caller:
    return caller_of(principal, request.app.state.members)


async def current_members(request: Request) -> MemberOrganizations:
    members: MemberOrganizations = request.app.state.members
    return members


CurrentCaller = Annotated[Caller, Depends(current_caller)]
Members = Annotated[MemberOrganizations, Depends(current_members)]
