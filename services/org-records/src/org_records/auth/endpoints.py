from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from banso_core.db import READ_METHODS
from banso_core.tokens import Principal, TokenIssuer, TokenVerifier, bearer_token
from org_records.audit.service import audit_service, request_entry, sign_in_entry
from org_records.auth.schemas import AccessToken, SignIn
from org_records.auth.service import Permission, auth_service
from org_records.db import DbSession
from org_records.staff.schemas import StaffOut
from org_records.staff.service import staff_service

router = APIRouter(prefix="/api/v1/auth", tags=["auth ログイン"])

_PERMISSION_OF_METHOD = {
    "GET": Permission.read,
    "HEAD": Permission.read,
    "OPTIONS": Permission.read,
    "POST": Permission.write,
    "PUT": Permission.write,
    "PATCH": Permission.write,
    "DELETE": Permission.delete,
}


class Access:
    """The router dependency that lets a request through: a valid token of this organization's active staff whose
    role allows the method. A change is audited in the request's transaction, a read by the audit trail."""

    def __init__(self, *, admin_reads: bool = False, admin_writes: bool = False) -> None:
        self.admin_reads = admin_reads
        self.admin_writes = admin_writes

    def permission(self, method: str) -> Permission:
        permission = _PERMISSION_OF_METHOD.get(method, Permission.administer)
        if (permission == Permission.read and self.admin_reads) or (
            permission != Permission.read and self.admin_writes
        ):
            return Permission.administer
        return permission

    async def __call__(self, request: Request, session: DbSession) -> Principal:
        verifier: TokenVerifier = request.app.state.token_verifier
        principal = verifier.verify(bearer_token(request.headers.get("authorization")))
        permission = self.permission(request.method)
        staff = await auth_service.authorize(session, principal, request.app.state.org, permission)
        entry = request_entry(staff, request.method, request.url.path, request.url.query)
        if request.method in READ_METHODS:
            request.app.state.audit_trail.enqueue(entry)
        else:
            await audit_service.record(session, entry)
        request.state.principal = principal
        return principal


staff_access = Access()
"""Reads for every role, writes for roles that write, deletes for roles that delete."""
admin_writes = Access(admin_writes=True)
"""Anyone may read; only org admins change (staff, organization profile, period locks)."""
admin_only = Access(admin_reads=True, admin_writes=True)
"""Only org admins (the audit log)."""


def request_principal(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(request_principal)]


@router.post("/token", response_model=AccessToken)
async def sign_in(credentials: SignIn, request: Request, session: DbSession) -> AccessToken:
    """ログイン: exchange a login and password for a short-lived bearer token."""
    issuer: TokenIssuer = request.app.state.token_issuer
    staff, token = await auth_service.sign_in(
        session, credentials.login, credentials.password.get_secret_value(), issuer
    )
    await audit_service.record(session, sign_in_entry(staff))
    return AccessToken(
        access_token=token, expires_in=int(issuer.ttl.total_seconds()), staff=StaffOut.model_validate(staff)
    )


@router.get("/me", response_model=StaffOut, dependencies=[Depends(staff_access)])
async def who_am_i(principal: CurrentPrincipal, session: DbSession) -> StaffOut:
    """The signed-in member of staff."""
    return StaffOut.model_validate(await staff_service.get(session, principal.staff))
