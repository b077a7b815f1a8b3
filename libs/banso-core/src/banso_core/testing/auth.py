"""Signing in from tests and benchmarks: the same REST sign-in and bearer tokens people and clients use."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from banso_core.tokens import TokenIssuer, public_key_pem


async def bearer_headers(base_url: str, login: str, password: str) -> dict[str, str]:
    """`Authorization` headers for a member of staff of the org-records instance at `base_url`."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post("/api/v1/auth/token", json={"login": login, "password": password})
    if response.status_code != 200:
        raise AssertionError(f"sign-in as {login} failed: {response.status_code} {response.text}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class BearerToken(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    """Adds `authorization: Bearer <token>` to every unary call of a channel."""

    def __init__(self, token: str) -> None:
        self.metadata = ("authorization", f"Bearer {token}")

    async def intercept_unary_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        metadata = grpc.aio.Metadata(*(client_call_details.metadata or ()), self.metadata)
        details = grpc.aio.ClientCallDetails(
            client_call_details.method,
            client_call_details.timeout,
            metadata,
            client_call_details.credentials,
            client_call_details.wait_for_ready,
        )
        return await continuation(details, request)


TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD = "admin", "admin-password"
"""The bootstrap administrator test instances are started with."""


@contextlib.asynccontextmanager
async def signed_in_client(
    base_url: str, login: str = TEST_ADMIN_LOGIN, password: str = TEST_ADMIN_PASSWORD, **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of `base_url` carrying the token of `login` (by default the test administrator)."""
    headers = await bearer_headers(base_url, login, password)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30, **options) as client:
        yield client


@dataclass
class TestRegistry:
    """A federation registry file for tests, with a signing key per organization, that issues staff tokens the way
    each organization's records service would."""

    __test__ = False  # not a pytest test class, whatever its name

    path: Path
    kinds: dict[str, str] = field(default_factory=dict)
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(
        self, org_id: str, kind: str = "cci", key: Ed25519PrivateKey | None = None, name: str | None = None
    ) -> Ed25519PrivateKey:
        """Register an organization (a new key unless one is given; its id as its name unless one is given) and
        rewrite the file."""
        self.kinds[org_id] = kind
        self.keys[org_id] = key or Ed25519PrivateKey.generate()
        self.names[org_id] = name or org_id
        organizations = [
            {"id": org, "name": self.names[org], "kind": self.kinds[org], "public_key": public_key_pem(self.keys[org])}
            for org in self.keys
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"organizations": organizations}, ensure_ascii=False), encoding="utf-8")
        return self.keys[org_id]

    def token(self, org_id: str, staff_id: int = 1, role: str = "advisor", *, ttl_minutes: float = 30) -> str:
        issuer = TokenIssuer(org_id, self.keys[org_id], dt.timedelta(minutes=ttl_minutes))
        return issuer.issue(staff_id, role, f"{org_id} 担当{staff_id}")

    def headers(self, org_id: str, staff_id: int = 1) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(org_id, staff_id)}"}

    def signing_key_file(self, org_id: str) -> Path:
        """The organization's key as a PEM file beside the registry, for an org-records instance to sign with."""
        path = self.path.parent / "keys" / f"{org_id}.pem"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            self.keys[org_id].private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return path
