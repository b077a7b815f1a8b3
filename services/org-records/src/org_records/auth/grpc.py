"""Who may call which RPC: the same tokens, roles and audit log as REST, for integration clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from banso_core.db import Database
from banso_core.tokens import TokenVerifier, bearer_token
from org_records.audit.service import AuditTrail, rpc_entry
from org_records.auth.service import Permission, auth_service
from org_records.org import OrgIdentity

_PERMISSION_OF_PREFIX = (
    ("Get", Permission.read),
    ("List", Permission.read),
    ("Create", Permission.write),
    ("Update", Permission.write),
    ("Put", Permission.write),
    ("Delete", Permission.delete),
)
ADMIN_RPCS = frozenset({"SetPeriodLock", "DeletePeriodLock", "UpdateOrganization"})
"""RPCs only org admins may call, as their REST twins."""


def rpc_permission(method: str) -> Permission:
    name = method.rsplit("/", 1)[-1]
    if name in ADMIN_RPCS:
        return Permission.administer
    return next(
        (permission for prefix, permission in _PERMISSION_OF_PREFIX if name.startswith(prefix)), Permission.administer
    )


def business_id_of(method: str, request: Any) -> int | None:
    """The business a request concerns, when its message says so, for the audit log."""
    business_id = getattr(request, "business_id", None)
    if not business_id and method.endswith(("/GetBusiness", "/UpdateBusiness", "/DeleteBusiness")):
        business_id = getattr(request, "id", None)
    return int(business_id) if business_id else None


class AccessInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates and authorizes every call to the organization's own services (not health or reflection)."""

    def __init__(
        self,
        database: Database,
        org: OrgIdentity,
        verifier: TokenVerifier,
        guarded_services: set[str],
        trail: AuditTrail,
    ) -> None:
        self.database = database
        self.trail = trail
        self.org = org
        self.verifier = verifier
        self.guarded_services = guarded_services

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        service = method.strip("/").split("/", 1)[0]
        if handler is None or handler.unary_unary is None or service not in self.guarded_services:
            return handler
        metadata = {key: value for key, value in handler_call_details.invocation_metadata or ()}
        behaviour = handler.unary_unary
        permission = rpc_permission(method)

        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
            authorization = metadata.get("authorization")
            principal = self.verifier.verify(bearer_token(authorization if isinstance(authorization, str) else None))
            async with self.database.session() as session:
                staff = await auth_service.authorize(session, principal, self.org, permission)
            response = await behaviour(request, context)
            self.trail.enqueue(rpc_entry(staff, method, business_id_of(method, request)))
            return response

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
