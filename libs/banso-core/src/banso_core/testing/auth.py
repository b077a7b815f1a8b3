"""Signing in from tests and benchmarks: the same REST sign-in and bearer tokens people and clients use."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import httpx


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
