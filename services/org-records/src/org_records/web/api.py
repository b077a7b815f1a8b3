"""The REST calls behind the pages: this organization's records (in process, through the same routes, access
checks and audit as any client) and the hub services (over HTTP), always with the signed-in staff's token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import httpx
from fastapi import FastAPI

from org_records.config import OrgRecordsSettings

Service = Literal["records", "exchange", "notices", "analytics"]


class ApiError(Exception):
    """A REST call answered with an error; `detail` is the service's list of problems (or its message)."""

    def __init__(self, service: Service, status_code: int, detail: Any) -> None:
        super().__init__(f"{service} answered {status_code}: {detail!r}")
        self.service = service
        self.status_code = status_code
        self.detail = detail


class HubUnavailable(Exception):
    """A hub service did not answer (not running, or the network is down)."""

    def __init__(self, service: Service) -> None:
        super().__init__(service)
        self.service = service


@dataclass
class Api:
    """One page's REST client, carrying the signed-in staff's bearer token."""

    records: httpx.AsyncClient
    hub: httpx.AsyncClient
    settings: OrgRecordsSettings

    @classmethod
    def open(cls, app: FastAPI, token: str | None) -> Api:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        records = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://org-records", headers=headers, timeout=60
        )
        hub = httpx.AsyncClient(headers=headers, timeout=30)
        return cls(records=records, hub=hub, settings=app.state.settings)

    async def close(self) -> None:
        await self.records.aclose()
        await self.hub.aclose()

    def _url(self, service: Service, path: str) -> str:
        if service == "records":
            return path
        base = {
            "exchange": self.settings.exchange_url,
            "notices": self.settings.notices_url,
            "analytics": self.settings.analytics_url,
        }[service]
        return base.rstrip("/") + path

    async def call(self, service: Service, method: str, path: str, **options: Any) -> httpx.Response:
        client = self.records if service == "records" else self.hub
        try:
            response = await client.request(method, self._url(service, path), **options)
        except httpx.TransportError as error:
            raise HubUnavailable(service) from error
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ApiError(service, response.status_code, detail)
        return response

    async def get(self, service: Service, path: str, **params: Any) -> Any:
        clean = {name: value for name, value in params.items() if value not in (None, "")}
        return (await self.call(service, "GET", path, params=clean)).json()

    async def post(self, service: Service, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.call(service, "POST", path, json=body if body is not None else {})
        return response.json() if response.content else None

    async def patch(self, service: Service, path: str, body: dict[str, Any]) -> Any:
        return (await self.call(service, "PATCH", path, json=body)).json()
