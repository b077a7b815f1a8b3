"""Web UI pages (issue 9: no page above 300 ms server time with the demo data): the pages of one organization's
UI, served by the real org-records app holding 金沢商工会議所's demo register (deploy/demo_data.py, loaded through the
REST API as `make run` does) next to the real exchange, notices and analytics services fed by it over NATS, each page
requested `--web-requests` times one after another by a signed-in browser session (the session cookie).

The time is the response time on loopback, first byte sent to last byte read, so it bounds the server time from
above; a hub page's time includes the hub's answer.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import re
import sys
import time
from typing import Any

import httpx
from harness import REPOSITORY, BenchmarkReport, Databases, Table, median, quantile, scratch_space, selected_backends
from publish_path import bench_org_records_settings

from analytics.app import create_app as create_analytics
from analytics.config import AnalyticsSettings
from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, TestRegistry, bearer_headers
from banso_core.testing.servers import NatsServer, ServedApp, eventually, running_nats_server
from exchange.app import create_app as create_exchange
from exchange.config import ExchangeSettings
from notices.app import create_app as create_notices
from notices.config import NoticesSettings
from org_records.app import create_app as create_org_records

NAME = "web_pages"
DESCRIPTION = "response time of the web UI's pages with one organization's demo register and the hub (target ≤ 300 ms)"
TARGET_MS = 300.0
ORG_ID, ORG_NAME = "kanazawa-cci", "金沢商工会議所"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--web-requests", type=int, default=20, help="timed requests per page and round (20)")


def demo_data_module() -> Any:
    path = REPOSITORY / "deploy" / "demo_data.py"
    spec = importlib.util.spec_from_file_location("demo_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("demo_data", module)
    spec.loader.exec_module(module)
    return module


def load_demo_register(base_url: str, headers: dict[str, str]) -> str:
    with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as client:

        def call(method: str, path: str, body: dict[str, Any] | None) -> Any:
            response = client.request(method, path, json=body)
            response.raise_for_status()
            return response.json() if response.content else None

        summary: str = demo_data_module().load_demo(call, ORG_ID)
        return summary


async def session_cookie(client: httpx.AsyncClient) -> str:
    """Signs in through the ログイン form, as a browser does; returns the Cookie header of the session."""
    form = await client.get("/signin")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found is not None
    token = found.group(1)
    csrf_cookie = re.search(r"banso_csrf=([^;]+)", form.headers["set-cookie"])
    assert csrf_cookie is not None
    csrf = f"banso_csrf={csrf_cookie.group(1)}"
    signed_in = await client.post(
        "/signin",
        data={"csrf_token": token, "login": TEST_ADMIN_LOGIN, "password": TEST_ADMIN_PASSWORD},
        headers={"Cookie": csrf},
    )
    assert signed_in.status_code == 303, signed_in.text
    session = re.search(r"banso_session=([^;]+)", signed_in.headers["set-cookie"])
    assert session is not None
    return f"{csrf}; banso_session={session.group(1)}"


async def busiest_business(client: httpx.AsyncClient) -> tuple[int, int]:
    """The business with the most support sessions, and its first goal: the heaviest 事業者ページ."""
    businesses = (await client.get("/api/v1/businesses", params={"limit": 500})).json()["items"]
    totals = {}
    for business in businesses:
        sessions = await client.get(f"/api/v1/businesses/{business['id']}/sessions", params={"limit": 1})
        totals[business["id"]] = sessions.json()["total"]
    business_id = max(totals, key=lambda key: totals[key])
    goals = (await client.get("/api/v1/goals", params={"business_id": business_id})).json()["items"]
    return business_id, goals[0]["id"]


async def hub_services(
    backend: str, nats_server: NatsServer, databases: Databases, registry: TestRegistry
) -> dict[str, ServedApp]:
    """The exchange, notices and analytics services, trusting the organizations of the registry."""
    common: dict[str, Any] = {"nats_url": nats_server.url, "grpc_port": 0, "federation_registry": registry.path}
    hub = {
        "exchange": create_exchange(ExchangeSettings(database_url=await databases.create(backend, "ex"), **common)),
        "notices": create_notices(NoticesSettings(database_url=await databases.create(backend, "no"), **common)),
        "analytics": create_analytics(AnalyticsSettings(database_url=await databases.create(backend, "an"), **common)),
    }
    served = {name: ServedApp(app) for name, app in hub.items()}
    for service in served.values():
        await service.start()
    return served


async def hub_has_the_register(hub: dict[str, ServedApp], headers: dict[str, str]) -> None:
    """Wait until the summaries and outcome records have reached the hub, and put one notice there."""
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:

        async def searchable() -> bool:
            found = await client.get(f"{hub['exchange'].url}/api/v1/goals/search", params={"q": "新商品"})
            return found.status_code == 200 and found.json()["total"] > 0

        async def tabulated() -> bool:
            table = await client.get(f"{hub['analytics'].url}/api/v1/tables/org-vs-prefecture")
            return table.status_code == 200 and any(not row["suppressed"] for row in table.json()["rows"])

        await eventually(searchable, timeout=180, what="the demo goals at the exchange")
        await eventually(tabulated, timeout=180, what="the demo records in analytics")
        posted = await client.post(
            f"{hub['notices'].url}/api/v1/notices",
            json={"kind": "post", "title": "事業承継セミナーのご案内", "body": "**10月15日** 金沢で開催します。"},
        )
        posted.raise_for_status()


async def measure_backend(
    backend: str, options: argparse.Namespace, nats_server: NatsServer, databases: Databases
) -> list[dict[str, Any]]:
    registry = TestRegistry(databases.scratch / f"federation-{backend}.json")
    registry.add(ORG_ID, "cci", name=ORG_NAME)
    hub = await hub_services(backend, nats_server, databases, registry)
    settings = bench_org_records_settings(
        ORG_ID, ORG_NAME, await databases.create(backend, "web"), nats_server.url
    ).model_copy(
        update={
            "exchange_url": hub["exchange"].url,
            "notices_url": hub["notices"].url,
            "analytics_url": hub["analytics"].url,
            "signing_key_path": registry.signing_key_file(ORG_ID),
            "federation_registry": registry.path,
        }
    )
    served = ServedApp(create_org_records(settings))
    await served.start()
    try:
        headers = await bearer_headers(served.url, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)
        print(f"  {backend}: {await asyncio.to_thread(load_demo_register, served.url, headers)}", flush=True)
        await hub_has_the_register(hub, headers)
        async with httpx.AsyncClient(base_url=served.url, headers=headers, timeout=60) as api:
            business_id, goal_id = await busiest_business(api)
        async with httpx.AsyncClient(base_url=served.url, timeout=60) as browser:
            cookie = {"Cookie": await session_cookie(browser)}
            pages = {
                "担当先一覧（団体の全事業者）": "/?everyone=true",
                "事業者ページ": f"/businesses/{business_id}",
                "支援記録の入力": f"/businesses/{business_id}/sessions/new",
                "事業者の編集": f"/businesses/{business_id}/edit",
                "目標（共有プレビュー・似た目標）": f"/goals/{goal_id}",
                "目標の編集": f"/goals/{goal_id}/edit",
                "問い合わせ受信箱": "/inbox",
                "実績報告書": "/report?fiscal_year=2025",
                "目標を探す（新商品）": "/search?q=新商品",
                "送った問い合わせ": "/inquiries",
                "お知らせ": "/notices",
                "集計（団体と県全体）": "/analytics?table=org-vs-prefecture",
                "グラフ画像（アプローチ×姿勢）": "/analytics/charts/approach-attitude.png",
            }
            rows = []
            for title, path in pages.items():
                for _ in range(2):  # warm up
                    assert (await browser.get(path, headers=cookie)).status_code == 200, path
                times = []
                for _ in range(options.web_requests):
                    started = time.perf_counter()
                    response = await browser.get(path, headers=cookie)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                rows.append(
                    {
                        "backend": backend,
                        "page": title,
                        "path": path,
                        "median_ms": median(times),
                        "p95_ms": quantile(times, 0.95),
                        "max_ms": max(times),
                        "bytes": len(response.content),
                    }
                )
            return rows
    finally:
        await served.stop()
        for service in hub.values():
            await service.stop()


async def run(options: argparse.Namespace) -> BenchmarkReport:
    backends = selected_backends(options.backends)
    rows: list[dict[str, Any]] = []
    async with scratch_space("banso-bench-web-") as (scratch, databases):
        for backend in backends:  # a broker of its own each, so that one run's messages never feed the next
            (scratch / backend).mkdir()
            with running_nats_server(scratch / backend) as nats_server:
                rows += await measure_backend(backend, options, nats_server, databases)
    table = Table(["backend", "page", "median ms", "p95 ms", "max ms", "KB", f"≤ {TARGET_MS:.0f} ms"])
    for row in rows:
        table.rows.append(
            [
                row["backend"],
                row["page"],
                f"{row['median_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['max_ms']:.1f}",
                f"{row['bytes'] / 1024:.0f}",
                "yes" if row["p95_ms"] <= TARGET_MS else "NO",
            ]
        )
    return BenchmarkReport(
        name=NAME,
        table=table,
        results={"target_ms": TARGET_MS, "requests_per_page": options.web_requests, "pages": rows},
        notes=[f"response time on loopback of {options.web_requests} sequential requests per page, after 2 warm-ups"],
    )
