"""What every benchmark shares: machine facts, statistics, the result table and JSON, databases, the load client.

Benchmarks run on shared, noisy 2-core machines (performance.md), so every figure is a median of rounds and
headline figures are ratios against a reference measured in the same run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from banso_core.testing.servers import PostgresDatabases

REPOSITORY = Path(__file__).resolve().parents[2]
POSTGRES_URL_VARIABLES = ("BANSO_BENCH_POSTGRES_URL", "BANSO_TEST_POSTGRES_URL")


def machine() -> dict[str, Any]:
    """The facts a reader needs to compare figures between runs."""
    commit = subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
    }


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), without numpy."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def render(self) -> str:
        widths = [max(len(column), *(len(row[i]) for row in self.rows)) for i, column in enumerate(self.columns)]
        lines = [
            "  ".join(column.ljust(width) for column, width in zip(self.columns, widths, strict=True)),
            "  ".join("-" * width for width in widths),
        ]
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in self.rows]
        return "\n".join(lines)


@dataclass
class BenchmarkReport:
    """What a benchmark module hands back: a table to print and the document written to bench-results/."""

    name: str
    table: Table
    results: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def write_results(output_dir: Path, report: BenchmarkReport, machine_facts: dict[str, Any]) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"{report.name}.json"
    document = {"benchmark": report.name, "machine": machine_facts, **report.results}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def postgres_admin_url() -> str | None:
    for variable in POSTGRES_URL_VARIABLES:
        if url := os.environ.get(variable):
            return url
    return None


def selected_backends(requested: Sequence[str] | None) -> list[str]:
    """SQLite always; PostgreSQL when a server is configured (or when asked for, which then requires one)."""
    admin_url = postgres_admin_url()
    if not requested:
        return ["sqlite", "postgresql"] if admin_url else ["sqlite"]
    if "postgresql" in requested and admin_url is None:
        raise SystemExit(f"PostgreSQL asked for but none configured: set {' or '.join(POSTGRES_URL_VARIABLES)}")
    return list(requested)


class Databases:
    """Fresh databases for one benchmark run — SQLite files in a temporary directory, or new PostgreSQL
    databases that are dropped afterwards."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        admin_url = postgres_admin_url()
        self.postgres = PostgresDatabases(admin_url) if admin_url else None
        self.created: list[str] = []

    async def create(self, backend: str, name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.scratch / name}.db"
        if self.postgres is None:
            raise RuntimeError("no PostgreSQL server configured")
        url = await self.postgres.create()
        self.created.append(url)
        return url

    async def drop_all(self) -> None:
        if self.postgres is None:
            return
        while self.created:
            await self.postgres.drop(self.created.pop())


@asynccontextmanager
async def scratch_space(prefix: str) -> AsyncIterator[tuple[Path, Databases]]:
    with tempfile.TemporaryDirectory(prefix=prefix) as directory:
        databases = Databases(Path(directory))
        try:
            yield Path(directory), databases
        finally:
            await databases.drop_all()


class LoadClient:
    """An HTTP load generator in a child process (`http_load.py`).

    The servers under test run in this process's event loop; a client in the same loop would take CPU from
    them and shrink every difference between variants, so the client gets its own interpreter (and core).
    """

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("http_load.py")),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024,
        )

    async def run(
        self,
        base_url: str,
        path: str,
        bodies: Sequence[dict[str, Any]],
        count: int,
        concurrency: int,
        headers: dict[str, str] | None = None,
        method: str = "POST",
        paths: Sequence[str] = (),
    ) -> dict[str, Any]:
        """POST `count` requests (bodies taken in turn) with `concurrency` in flight; timings in the reply. With
        `method="GET"` the bodies are query parameters; `paths`, when given, are taken in turn instead of `path`.

        The reply has `started` and `finished` on this machine's monotonic clock (shared by all processes),
        `latencies` in seconds, the client's own `cpu_seconds`, and `failures` (responses other than 201).
        """
        assert self.process is not None and self.process.stdin is not None and self.process.stdout is not None
        command = {
            "base_url": base_url,
            "path": path,
            "bodies": list(bodies),
            "count": count,
            "concurrency": concurrency,
            "headers": headers or {},
            "method": method,
            "paths": list(paths),
        }
        self.process.stdin.write(json.dumps(command, ensure_ascii=False).encode() + b"\n")
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the load client exited with {await self.process.wait()}")
        reply: dict[str, Any] = json.loads(line)
        if reply["failures"]:
            raise RuntimeError(f"{reply['failures']} requests to {base_url}{path} failed: {reply['failure_sample']}")
        return reply

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            await self.process.wait()
        self.process = None


@asynccontextmanager
async def load_client() -> AsyncIterator[LoadClient]:
    client = LoadClient()
    await client.start()
    try:
        yield client
    finally:
        await client.stop()
