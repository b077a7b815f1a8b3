"""Interoperability: a Node.js client (`tests/interop/records_client.js`, @grpc/grpc-js + proto-loader) writes and
reads a business over org-records' gRPC API, loading records.proto at run time as any non-Python client would."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc_tools
import pytest

from banso_core.testing.auth import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, bearer_headers, signed_in_client
from banso_core.testing.servers import NatsServer, ServedApp, serve
from org_records.app import create_app
from org_records.config import OrgRecordsSettings

INTEROP = Path(__file__).with_name("interop")
NODE, NPM = shutil.which("node"), shutil.which("npm")

BUSINESS = {
    "name": "有限会社能登𠮷野屋製麺所",  # a character outside the BMP (𠮷) must survive the wire too
    "name_kana": "ノトヨシノヤセイメンジョ",
    "representative": "吉野 麺太郎",
    "address": "石川県輪島市河井町１部１番地",
    "corporate_number": "5220005002171",
    "business_form": "corporation",
    "jsic_major": "E",
    "jsic_middle": "09",
    "employees": 7,
    "sharing_consent": True,
}

pytestmark = pytest.mark.skipif(NODE is None or NPM is None, reason="Node.js (node and npm) is not installed")


@pytest.fixture(scope="session")
def node_client() -> Path:
    """The interop folder with its locked dependencies installed (`npm ci`, once per test session)."""
    assert NPM is not None
    result = subprocess.run(
        [NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"npm ci failed:\n{result.stdout}\n{result.stderr}"
    return INTEROP / "records_client.js"


@pytest.fixture
async def org_records(nats_server: NatsServer, database_url: str) -> AsyncIterator[ServedApp]:
    settings = OrgRecordsSettings(
        org_id="noto-society",
        org_name="能登商工会",
        database_url=database_url,
        nats_url=nats_server.url,
        grpc_port=0,
        sharing_secret="test-secret",
        bootstrap_admin_login=TEST_ADMIN_LOGIN,
        bootstrap_admin_password=TEST_ADMIN_PASSWORD,
    )
    async with serve(create_app(settings)) as served:
        yield served


@pytest.fixture
async def grpc_token(org_records: ServedApp) -> str:
    """The bearer token the Node client sends as `authorization` metadata: an org admin's."""
    headers = await bearer_headers(org_records.url, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)
    return headers["Authorization"].removeprefix("Bearer ")


async def run_node_client(script: Path, address: str, token: str | None, business: dict[str, Any]) -> Any:
    assert NODE is not None
    arguments = [str(script), "--address", address, "--business", json.dumps(business, ensure_ascii=False)]
    arguments += ["--include", str(Path(grpc_tools.__file__).with_name("_proto"))]
    if token is not None:
        arguments += ["--token", token]
    process = await asyncio.create_subprocess_exec(
        NODE, *arguments, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    return json.loads(stdout)


async def test_node_client_creates_and_reads_a_business(
    org_records: ServedApp, node_client: Path, grpc_token: str | None
) -> None:
    address = f"127.0.0.1:{org_records.app.state.grpc_port}"

    output = await run_node_client(node_client, address, grpc_token, BUSINESS)

    read = output["business"]
    assert read["id"] == output["created_id"] and int(read["id"]) > 0
    assert read["version"] == "1"
    fields = read["fields"]
    assert fields["name"] == "有限会社能登𠮷野屋製麺所"
    assert fields["name_kana"] == "ノトヨシノヤセイメンジョ"
    assert fields["representative"] == "吉野 麺太郎"
    assert fields["address"] == "石川県輪島市河井町１部１番地"
    assert fields["corporate_number"] == "5220005002171"
    assert (fields["jsic_major"], fields["jsic_middle"]) == ("E", "09")
    assert fields["employees"] == "7"
    assert fields["sharing_consent"] is True
    assert read["created_at"]["seconds"] != "0"

    # What the Node client wrote is the record every other edge sees.
    async with signed_in_client(org_records.url) as client:
        response = await client.get(f"/api/v1/businesses/{read['id']}")
    assert response.status_code == 200, response.text
    rest = response.json()
    assert (rest["name"], rest["corporate_number"], rest["jsic_middle"]) == (
        "有限会社能登𠮷野屋製麺所",
        "5220005002171",
        "09",
    )
