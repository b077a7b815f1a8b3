"""Staff of member organizations, as the hub services (exchange, analytics, notices) accept them.

A caller proves who they are with a token their own organization signed (Ed25519 JWT, see `tokens`); the public
keys, and each organization's name and kind, come from the federation registry. No passwords are shared.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import grpc
from fastapi import Depends, Request

from banso_core.registry import load_registry
from banso_core.tokens import Principal, TokenVerifier, bearer_token
from banso_core.vocabulary import OrgKind


@dataclass(frozen=True)
class MemberOrganization:
    """団体: one entry of the federation registry."""

    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class MemberOrganizations:
    """The organizations of the federation registry: their keys (to verify staff tokens), names and kinds."""

    verifier: TokenVerifier
    kinds: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_registry(cls, registry: Path | None) -> MemberOrganizations:
        """Without a registry no token verifies: every call is refused."""
        if registry is None:
            return cls(TokenVerifier({}))
        organizations = load_registry(registry).organizations
        kinds = {org.id: org.kind for org in organizations}
        names = {org.id: org.name for org in organizations}
        return cls(TokenVerifier({org.id: org.public_keys for org in organizations}), kinds, names)

    def verify(self, authorization: str | None) -> Principal:
        """The staff member an `Authorization: Bearer …` value proves, else Unauthenticated (401)."""
        return self.verifier.verify(bearer_token(authorization))

    def of_kind(self, kind: str | None) -> frozenset[str] | None:
        """The ids of the organizations of `kind` (None when no kind is asked for)."""
        if kind is None:
            return None
        return frozenset(org for org, org_kind in self.kinds.items() if org_kind == kind)

    def kind_of(self, org_id: str) -> str | None:
        return self.kinds.get(org_id)

    def is_prefecture(self, org_id: str) -> bool:
        """県: the organization is the prefecture's own entry, where prefecture staff sign in."""
        return self.kinds.get(org_id) == OrgKind.prefecture

    def get(self, org_id: str) -> MemberOrganization | None:
        if org_id not in self.kinds:
            return None
        return MemberOrganization(org_id, self.names.get(org_id, org_id), self.kinds[org_id])

    def organizations(self) -> list[MemberOrganization]:
        return [MemberOrganization(org, self.names.get(org, org), kind) for org, kind in self.kinds.items()]

    def selected(self, org_kinds: Collection[str], org_ids: Collection[str]) -> list[MemberOrganization]:
        """The organizations whose kind or id is listed; every organization when neither list names any."""
        everyone = not org_kinds and not org_ids
        return [org for org in self.organizations() if everyone or org.kind in org_kinds or org.id in org_ids]


async def member_staff(request: Request) -> Principal:
    """The router dependency: a valid token of a member organization's staff, else 401."""
    members: MemberOrganizations = request.app.state.members
    principal = members.verify(request.headers.get("authorization"))
    request.state.principal = principal
    return principal


MemberStaff = Annotated[Principal, Depends(member_staff)]

_grpc_caller: contextvars.ContextVar[Principal] = contextvars.ContextVar("banso_grpc_caller")


def grpc_caller() -> Principal:
    """In a servicer guarded by `MemberStaffInterceptor`: the member of staff calling."""
    return _grpc_caller.get()


class MemberStaffInterceptor(grpc.aio.ServerInterceptor):
    """The same check for every call to a hub service's own gRPC services (not health or reflection); the
    servicer reads the caller with `grpc_caller()`."""

    def __init__(self, members: MemberOrganizations, guarded_services: set[str]) -> None:
        self.members = members
        self.guarded_services = guarded_services

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        service = handler_call_details.method.strip("/").split("/", 1)[0]
        if handler is None or handler.unary_unary is None or service not in self.guarded_services:
            return handler
        metadata = dict(handler_call_details.invocation_metadata or ())
        behaviour = handler.unary_unary

        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
            authorization = metadata.get("authorization")
            principal = self.members.verify(authorization if isinstance(authorization, str) else None)
            token = _grpc_caller.set(principal)
            try:
                return await behaviour(request, context)
            finally:
                _grpc_caller.reset(token)

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
