"""The notices service on real servers: a nats-server, a fresh database, uvicorn on loopback, a gRPC port.

Fixtures:
- `registry` — the federation registry it trusts: 石川県 (prefecture), two 商工会議所 (cci), a 商工会 (society)
  and the 商工会連合会 (federation); it signs the staff tokens each `Staff` sends.
- `notices` — a started service and a client that calls it as any member of staff.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from banso.events.v1 import notice_pb2
from banso_core.messaging import NOTICES_STREAM
from banso_core.testing.auth import TestRegistry
from banso_core.testing.servers import NatsServer, ServedApp
from banso_core.testing.streams import stream_messages
from notices.app import create_app
from notices.config import NoticesSettings

PREFECTURE_ID, KANAZAWA_ID, NANAO_ID, HAKUI_ID, SHOKOREN_ID = (
    "ishikawa-pref",
    "kanazawa-cci",
    "nanao-cci",
    "hakui-society",
    "ishikawa-shokoren",
)


@dataclass(frozen=True)
class Staff:
    """A member of staff as their own organization's token describes them."""

    org_id: str
    staff_id: int = 1
    role: str = "advisor"


@dataclass(frozen=True)
class People:
    """The staff tests act as, one or two per organization of the registry."""

    prefecture: Staff = Staff(PREFECTURE_ID, 1, "prefecture")
    prefecture_colleague: Staff = Staff(PREFECTURE_ID, 2, "prefecture")
    kanazawa_advisor: Staff = Staff(KANAZAWA_ID, 7, "advisor")
    kanazawa_clerk: Staff = Staff(KANAZAWA_ID, 8, "clerk")
    kanazawa_readonly: Staff = Staff(KANAZAWA_ID, 9, "readonly")
    nanao_advisor: Staff = Staff(NANAO_ID, 3, "advisor")
    nanao_clerk: Staff = Staff(NANAO_ID, 10, "clerk")
    hakui_advisor: Staff = Staff(HAKUI_ID, 4, "advisor")
    shokoren_advisor: Staff = Staff(SHOKOREN_ID, 5, "advisor")


def official_notice(**fields: Any) -> dict[str, Any]:
    """A valid official notice; `fields` override."""
    return {
        "kind": "official",
        "title": "令和8年度 小規模事業者持続化補助金の公募開始",
        "body": "## 概要\n\n第18回公募が始まりました。**締切は6月30日**です。",
        "category": "subsidy_loan",
    } | fields


def staff_post(**fields: Any) -> dict[str, Any]:
    """A valid staff post; `fields` override."""
    return {
        "kind": "post",
        "title": "IT導入補助金の申請で気をつけたこと",
        "body": "gBizIDの取得に2週間かかりました。",
    } | fields


@dataclass
class Notices:
    """A running notices service and the ways a test talks to it."""

    served: ServedApp
    settings: NoticesSettings
    registry: TestRegistry
    http: httpx.AsyncClient

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.served.app.state.grpc_port}"

    people: People
    official_notice = staticmethod(official_notice)
    staff_post = staticmethod(staff_post)

    def token(self, staff: Staff) -> str:
        return self.registry.token(staff.org_id, staff.staff_id, staff.role)

    async def call(self, staff: Staff | None, method: str, path: str, **options: Any) -> httpx.Response:
        """As `staff` (None: without a token)."""
        headers = {"Authorization": f"Bearer {self.token(staff)}"} if staff is not None else {}
        return await self.http.request(method, path, headers=headers, **options)

    async def post(self, staff: Staff, **fields: Any) -> dict[str, Any]:
        """A notice or post that must be accepted."""
        response = await self.call(staff, "POST", "/api/v1/notices", json=fields)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def listed(self, staff: Staff, **params: Any) -> list[dict[str, Any]]:
        response = await self.call(staff, "GET", "/api/v1/notices", params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def listed_titles(self, staff: Staff, **params: Any) -> list[str]:
        return [item["title"] for item in await self.listed(staff, **params)]

    @staticmethod
    def assert_invalid(response: httpx.Response, field: str) -> None:
        """A 422 whose detail names `field` (a dotted path such as `audience.org_ids`)."""
        assert response.status_code == 422, response.text
        locations = [item["loc"] for item in response.json()["detail"]]
        named = {".".join(str(part) for part in (loc[1:] if loc[:1] == ["body"] else loc)) for loc in locations}
        assert any(name == field or name.startswith(f"{field}.") for name in named), (field, response.text)

    async def fanned_out(self) -> list[tuple[str, Any]]:
        """(subject, decoded event) of everything on BANSO_NOTICES so far, oldest first."""
        decoders = {
            "notice": notice_pb2.NoticeEvent,
            "comment": notice_pb2.NoticeCommentEvent,
            "reminder": notice_pb2.NoticeReminder,
        }
        events: list[tuple[str, Any]] = []
        for msg in await stream_messages(self.settings.nats_url, NOTICES_STREAM.name):
            message = decoders[msg.subject.split(".")[3]]()
            message.ParseFromString(msg.data)
            events.append((msg.subject, message))
        return events


@pytest.fixture
def registry(tmp_path) -> TestRegistry:  # type: ignore[no-untyped-def]
    registry = TestRegistry(tmp_path / "federation.json")
    registry.add(PREFECTURE_ID, "prefecture")
    registry.add(KANAZAWA_ID, "cci")
    registry.add(NANAO_ID, "cci")
    registry.add(HAKUI_ID, "society")
    registry.add(SHOKOREN_ID, "federation")
    return registry


@pytest.fixture
async def notices(nats_server: NatsServer, database_url: str, registry: TestRegistry) -> AsyncIterator[Notices]:
    settings = NoticesSettings(
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=0,
        federation_registry=registry.path,
        relay_poll_seconds=0.2,
    )
    served = ServedApp(create_app(settings))
    await served.start()
    try:
        async with httpx.AsyncClient(base_url=served.url, timeout=60) as http:
            yield Notices(served, settings, registry, http, People())
    finally:
        with contextlib.suppress(Exception):
            await served.stop()
