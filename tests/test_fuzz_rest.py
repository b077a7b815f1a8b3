"""Fuzzing org-records' REST API from its own OpenAPI document (schemathesis): every operation the live instance
serves, valid and invalid input, must never answer 5xx and must answer what the schema says.

The operations come from org-records' own OpenAPI document (the one the live instance serves, which a test
checks), so endpoints added later are fuzzed without touching this file. Hypothesis is derandomized and bounded
(MAX_EXAMPLES per operation) so that a run is reproducible and takes a minute or two on CI. Headers for every
request (authentication) come from the `auth_headers` fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD
from banso_core.testing.servers import PostgresDatabases, ServedApp, running_nats_server
from org_records.app import create_app
from org_records.config import OrgRecordsSettings

MAX_EXAMPLES = 30
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

STAFF = {"display_name": "北村 担当", "email": "kitamura@cci.example"}
BUSINESS = {
    "name": "有限会社加賀漆器工房",
    "corporate_number": "5220005002171",
    "business_form": "corporation",
    "jsic_major": "E",
    "jsic_middle": "32",
    "sharing_consent": True,
}
GOAL = {"set_on": "2026-04-10", "category": "sales_channel", "text": "ECサイトで県外の新規顧客を開拓する"}
SESSION = {"held_on": "2026-04-15", "channel": "visit", "approach": "dialogue", "attitude": "positive"}


@contextlib.contextmanager
def served_in_thread(settings: OrgRecordsSettings) -> Iterator[str]:
    """org-records on uvicorn in its own thread and event loop, so that synchronous fuzzing can call it."""
    served = ServedApp(create_app(settings))
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop = asyncio.Event()

    async def serve() -> None:
        try:
            await served.start()
        finally:
            started.set()
        await stop.wait()
        await served.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), name="org-records", daemon=True)
    thread.start()
    try:
        if not started.wait(timeout=60) or served.server is None or not served.server.started:
            raise RuntimeError("org-records did not start")
        yield served.url
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()


def seed(base_url: str, headers: dict[str, str]) -> None:
    """One record of each kind, so that small ids (which Hypothesis tries first) reach past the 404s."""
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        staff = client.post("/api/v1/staff", json=STAFF)
        assert staff.status_code == 201, staff.text
        business = client.post("/api/v1/businesses", json=BUSINESS | {"staff_id": staff.json()["id"]})
        assert business.status_code == 201, business.text
        business_id = business.json()["id"]
        goal = client.post(f"/api/v1/businesses/{business_id}/goals", json=GOAL)
        assert goal.status_code == 201, goal.text
        session = client.post(f"/api/v1/businesses/{business_id}/sessions", json=SESSION)
        assert session.status_code == 201, session.text


def sign_in(base_url: str) -> dict[str, str]:
    credentials = {"login": TEST_ADMIN_LOGIN, "password": TEST_ADMIN_PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/auth/token", json=credentials, timeout=60)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def auth_headers(live_org_records: str) -> dict[str, str]:
    """Headers every fuzzed request carries: the token of an org admin, who may call every operation.
    Module-scoped because the live instance and its seed rows are."""
    return sign_in(live_org_records)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live_org_records(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_admin_url: str | None,
) -> Iterator[str]:
    scratch = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    postgres = PostgresDatabases(postgres_admin_url) if postgres_admin_url else None
    if request.param == "sqlite":
        database_url = f"sqlite:///{scratch / 'org-records.db'}"
    elif postgres is None:
        pytest.skip("PostgreSQL variant: set BANSO_TEST_POSTGRES_URL or start a Docker engine")
    else:
        database_url = asyncio.run(postgres.create())
    try:
        with running_nats_server(scratch) as nats_server:
            with served_in_thread(fuzz_settings(database_url, nats_server.url)) as url:
                seed(url, sign_in(url))
                yield url
    finally:
        if request.param == "postgresql" and postgres is not None:
            asyncio.run(postgres.drop(database_url))


def fuzz_settings(database_url: str, nats_url: str) -> OrgRecordsSettings:
    return OrgRecordsSettings(
        org_id="fuzz-society",
        org_name="ファズ商工会",
        database_url=database_url,
        nats_url=nats_url,
        grpc_port=0,
        sharing_secret="fuzz-secret",
        relay_poll_seconds=0.5,
        bootstrap_admin_login=TEST_ADMIN_LOGIN,
        bootstrap_admin_password=TEST_ADMIN_PASSWORD,
    )


# The document of the app as built (no lifespan runs for it); the live instance serves the same routes, which
# `test_the_fuzzed_schema_is_the_served_one` checks. Building it at collection gives one test per operation.
schema = schemathesis.openapi.from_dict(create_app(fuzz_settings("sqlite://", "nats://127.0.0.1:1")).openapi())


@schema.parametrize()
# schemathesis draws some values with `random` inside its strategies; Hypothesis warns, with a very long repr.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_without_server_errors_and_as_documented(
    case: schemathesis.Case, live_org_records: str, auth_headers: dict[str, str]
) -> None:
    case.call_and_validate(base_url=live_org_records, headers=auth_headers, checks=CHECKS, timeout=30)


def test_the_fuzzed_schema_is_the_served_one(live_org_records: str, auth_headers: dict[str, str]) -> None:
    """Every operation the live instance documents is fuzzed (new endpoints are picked up by construction)."""
    served = httpx.get(f"{live_org_records}/openapi.json", headers=auth_headers).json()
    operations = {(method.upper(), path) for path, item in served["paths"].items() for method in item}
    assert ("POST", "/api/v1/businesses/{business_id}/sessions") in operations
    assert ("POST", "/api/v1/businesses/{business_id}/goals") in operations
    fuzzed = {(result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()}
    assert fuzzed == operations
