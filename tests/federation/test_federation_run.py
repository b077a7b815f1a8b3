"""`make run-federation` (deploy/federation_run.py) as an operator runs it: the hub and a leaf nats-server from the
generated configuration, an organization's records service on its leaf, the hub services on the hub with their own
accounts. A goal written at the organization is found at the exchange, and the hub knows the organization only as
its leaf: every client at the hub is a hub service in its own account."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from banso_core.testing.servers import eventually

pytestmark = [pytest.mark.federation, pytest.mark.e2e, pytest.mark.postgres]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KANAZAWA = "kanazawa-cci"
STARTUP_SECONDS = 90
BUSINESS_NAME = "株式会社山中温泉キャンプ"
REPRESENTATIVE = "山中 太郎"


def ports_of(offset: int) -> list[int]:
    """Every port the script takes for kanazawa and the hub (its constants, moved by the offset)."""
    fixed = [4222, 7422, 8222, 4231, 8101, 50101, 8200, 50200, 8300, 50300, 8400, 50400]
    return [port + offset for port in fixed]


def free_offset() -> int:
    for _ in range(50):
        offset = random.randrange(1000, 15000, 7)
        if all(port_is_free(port) for port in ports_of(offset)):
            return offset
    raise AssertionError("no offset with every port free")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Launcher:
    def __init__(self, process: subprocess.Popen[bytes], output: Path, offset: int) -> None:
        self.process, self.output, self.offset = process, output, offset

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while "is up" not in self.text():
            assert self.process.poll() is None, f"the script exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"not up within {STARTUP_SECONDS} s:\n{self.text()}"
            time.sleep(0.2)

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port + self.offset}"


@pytest.fixture
def launched(tmp_path: Path, database_backend: str, postgres_admin_url: str | None) -> Iterator[Launcher]:
    if database_backend == "postgresql" and postgres_admin_url is None:
        pytest.skip("PostgreSQL variant: set BANSO_TEST_POSTGRES_URL or start a Docker engine")
    offset = free_offset()
    prefix = f"banso_run_{uuid.uuid4().hex[:8]}_"
    arguments = ["--orgs", KANAZAWA, "--no-demo"]
    if database_backend == "postgresql":
        arguments += ["--postgres", str(postgres_admin_url), "--database-prefix", prefix]
    environment = os.environ | {
        "BANSO_VAR_DIR": str(tmp_path / "var"),
        "BANSO_PORT_OFFSET": str(offset),
        "ORG_RECORDS_K_ANONYMITY": "1",
        "ORG_RECORDS_RELAY_POLL_SECONDS": "0.2",
    }
    output = tmp_path / "federation_run.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, str(DEPLOY / "federation_run.py"), *arguments],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    launcher = Launcher(process, output, offset)
    try:
        yield launcher
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        if database_backend == "postgresql":
            asyncio.run(drop_databases(str(postgres_admin_url), prefix))


async def drop_databases(admin_url: str, prefix: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        names = await connection.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", f"{prefix}%")
        for row in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await connection.close()


async def test_a_goal_written_at_an_organization_is_found_at_the_exchange(launched: Launcher):
    launched.wait_until_up()
    org_records, exchange, monitor = launched.url(8101), launched.url(8200), launched.url(8222)
    async with httpx.AsyncClient(base_url=org_records, timeout=10) as client:
        signed_in = await client.post("/api/v1/auth/token", json={"login": "demo-admin", "password": "demo"})
        assert signed_in.status_code == 200, signed_in.text
        client.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
        business = await client.post(
            "/api/v1/businesses",
            json={
                "name": BUSINESS_NAME,
                "representative": REPRESENTATIVE,
                "business_form": "corporation",
                "jsic_major": "M",
                "sharing_consent": True,
            },
        )
        assert business.status_code == 201, business.text
        goal = await client.post(
            f"/api/v1/businesses/{business.json()['id']}/goals",
            json={"set_on": "2026-05-01", "category": "new_product", "text": "サウナ棟付のキャンプ場新設"},
        )
        assert goal.status_code == 201, goal.text
        headers = {"Authorization": client.headers["Authorization"]}

    async with httpx.AsyncClient(base_url=exchange, headers=headers, timeout=10) as advisor:

        async def found() -> bool:
            response = await advisor.get("/api/v1/goals/search", params={"q": "サウナ"})
            return response.status_code == 200 and response.json()["total"] == 1

        await eventually(found, timeout=30, what="kanazawa's goal at the exchange")
        answer = await advisor.get("/api/v1/goals/search", params={"q": "サウナ"})
        [item] = answer.json()["items"]
        assert (item["org_id"], item["text"]) == (KANAZAWA, "サウナ棟付のキャンプ場新設")
        assert BUSINESS_NAME not in answer.text and REPRESENTATIVE not in answer.text

    async with httpx.AsyncClient(base_url=monitor, timeout=10) as hub:
        connections = (await hub.get("/connz", params={"auth": "true"})).json()["connections"]
        leaves = (await hub.get("/leafz")).json()["leafs"]
    clients = {(connection.get("authorized_user"), connection.get("account")) for connection in connections}
    hub_services = {("exchange", "EXCHANGE"), ("analytics", "ANALYTICS"), ("notices", "NOTICES")}
    assert clients == {*hub_services, (KANAZAWA, "KANAZAWA_CCI")}
    assert [(leaf["name"], leaf["account"]) for leaf in leaves] == [(f"banso-leaf-{KANAZAWA}", "KANAZAWA_CCI")]

    launched.process.send_signal(signal.SIGINT)
    assert launched.process.wait(timeout=40) == 0, launched.text()
    assert "Stopped." in launched.text()


def test_an_unknown_organization_is_refused_by_name(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "federation_run.py"), "--orgs", "kanazawa-cci,nowhere-cci"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"BANSO_VAR_DIR": str(tmp_path / "var")},
        check=False,
    )
    assert result.returncode == 1
    assert "--orgs: unknown nowhere-cci" in result.stderr
