"""Real servers for tests: a nats-server process, PostgreSQL databases, services served by uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from banso_core.messaging import nats_server_binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class NatsServer:
    """A JetStream-enabled nats-server on loopback that can be stopped, killed and started again."""

    store_dir: Path
    port: int = 0
    """0 until the first start, which lets the server pick a free one; a restart keeps it."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start on `port`; at the first start without one, on a port the server picks itself (`-p -1`) and
        reports in its ports file, so that no other process can take it between choosing and listening."""
        ports_dir = self.store_dir / "ports"
        ports_dir.mkdir(exist_ok=True)
        for stale in ports_dir.glob("*.ports"):
            stale.unlink()
        log_file = (self.store_dir / "nats-server.log").open("ab")
        self.process = subprocess.Popen(
            [
                nats_server_binary(),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port or -1),
                "-js",
                "-sd",
                str(self.store_dir),
                "--ports_file_dir",
                str(ports_dir),
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.process.returncode}; see {log_file.name}")
            reported = ports_dir / f"{Path(nats_server_binary()).name}_{self.process.pid}.ports"
            with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
                self.port = int(json.loads(reported.read_text())["nats"][0].rpartition(":")[2])
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            time.sleep(0.02)
        raise RuntimeError("nats-server did not start listening within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def running_nats_server(scratch: Path) -> Iterator[NatsServer]:
    """A JetStream nats-server storing under `scratch/nats`, stopped when the block ends."""
    store = scratch / "nats"
    store.mkdir()
    server = NatsServer(store_dir=store)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class PostgresDatabases:
    """Creates a fresh database per test on a PostgreSQL server, and drops it afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    async def _execute(self, statement: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.admin_url.replace("+asyncpg", ""))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def create(self) -> str:
        name = f"banso_test_{uuid.uuid4().hex[:16]}"
        await self._execute(f'CREATE DATABASE "{name}"')
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{name}"

    async def drop(self, url: str) -> None:
        name = url.rpartition("/")[2]
        await self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def docker_engine_reachable() -> bool:
    if os.environ.get("DOCKER_HOST"):
        return True
    return Path("/var/run/docker.sock").exists()


@dataclass
class ServedApp:
    """A FastAPI app served by a real uvicorn server on loopback, in this event loop."""

    app: FastAPI
    port: int = field(default_factory=free_port)
    server: uvicorn.Server | None = None
    task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listening.bind(("127.0.0.1", self.port))
        except OSError:  # taken since it was chosen (another test's client or server): any free one will do
            listening.bind(("127.0.0.1", 0))
            self.port = listening.getsockname()[1]
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(_serve(self.server, listening))
        while not self.server.started:
            if self.task.done():
                self.task.result()
                raise RuntimeError("the server stopped while starting")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        if self.server is not None and self.task is not None:
            self.server.should_exit = True
            await self.task
        self.server = self.task = None


async def _serve(server: uvicorn.Server, listening: socket.socket) -> None:
    # uvicorn ends a failed start with sys.exit; a SystemExit escaping a task stops the test's whole event loop.
    try:
        await server.serve(sockets=[listening])
    except SystemExit as exit_:
        raise RuntimeError(f"uvicorn exited with status {exit_.code}") from None
    finally:
        listening.close()


Settings = TypeVar("Settings", bound=BaseModel)
Started = TypeVar("Started")


@contextlib.asynccontextmanager
async def app_starter(
    create_app: Callable[[Settings], FastAPI], settings: Settings, started: Callable[[ServedApp, Settings], Started]
) -> AsyncIterator[Callable[..., Awaitable[Started]]]:
    """`start(**overrides)` serves a new instance of the app with `settings` changed by keyword, as `started` wraps
    it; every instance still running is stopped when the block ends, each within 10 s, so that a stuck shutdown
    fails its test instead of hanging the run."""
    running: list[ServedApp] = []

    async def start(**overrides: Any) -> Started:
        changed = settings.model_copy(update=overrides)
        served = ServedApp(create_app(changed))
        await served.start()
        running.append(served)
        return started(served, changed)

    try:
        yield start
    finally:
        for served in reversed(running):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(served.stop(), timeout=10)


@contextlib.asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[ServedApp]:
    served = ServedApp(app)
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait for an asynchronous flow to arrive; fail naming `what` if it does not within `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class ConfiguredNatsServer:
    """A nats-server started from a configuration file (a generated hub or leaf); stopped, killed and started again
    with the same store, as a site that goes down and comes back."""

    config: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                [nats_server_binary(), "-c", str(self.config)], stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.process.returncode}; see {self.log}")
            time.sleep(0.02)
        raise RuntimeError(f"nats-server did not listen on {self.port} within 10 s; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class ServiceProcess:
    """A service run as `python -m <module>` in its own process, so that it can be killed with SIGKILL."""

    def __init__(self, module: str, env: dict[str, str], port: int, log: Path) -> None:
        self.module, self.env, self.port, self.log = module, env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module], env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT
            )

    async def start(self) -> None:
        self.launch()

        async def answers() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                async with httpx.AsyncClient(timeout=1) as client:
                    return (await client.get(f"{self.url}/healthz")).status_code == 200
            return False

        await eventually(answers, timeout=60, what=f"{self.module} to answer")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
