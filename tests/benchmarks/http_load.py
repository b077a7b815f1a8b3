"""The load client of `harness.LoadClient`, run as its own process: one JSON command per stdin line, one JSON
reply per stdout line, until stdin closes.

A command is `{"base_url", "path", "bodies", "count", "concurrency", "headers"}`: POST `count` requests, bodies taken in
turn, with `concurrency` in flight over as many keep-alive connections (expecting 201); with `"method": "GET"` the
bodies are query parameters and 200 is expected; `"paths"` instead of `"path"` are taken in turn too.
Each command opens its own connections:
between commands a server may close idle ones (uvicorn after 5 s), and a request sent on a connection the server
is closing fails with ReadError. Only httpx is imported here, so that the client starts quickly and stays small.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx


async def post_all(client: httpx.AsyncClient, command: dict[str, Any]) -> dict[str, Any]:
    paths, bodies, count = command.get("paths") or [command["path"]], command["bodies"], command["count"]
    reading = command.get("method", "POST") == "GET"
    expected = 200 if reading else 201
    latencies: list[float] = []
    failures: list[str] = []
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        while next_index < count:
            index = next_index
            next_index += 1
            sent = time.perf_counter()
            body, path = bodies[index % len(bodies)], paths[index % len(paths)]
            response = await (client.get(path, params=body) if reading else client.post(path, json=body))
            latencies.append(time.perf_counter() - sent)
            if response.status_code != expected:
                failures.append(f"{response.status_code} {response.text[:300]}")

    cpu_before = time.process_time()
    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(command["concurrency"])))
    finished = time.monotonic()
    return {
        "started": started,
        "finished": finished,
        "cpu_seconds": time.process_time() - cpu_before,
        "latencies": [round(latency, 6) for latency in latencies],
        "failures": len(failures),
        "failure_sample": failures[:3],
    }


async def serve_commands() -> None:
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command = json.loads(line)
        concurrency = command["concurrency"]
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        headers = command.get("headers") or {}
        async with httpx.AsyncClient(
            base_url=command["base_url"], headers=headers, limits=limits, timeout=120
        ) as client:
            reply = await post_all(client, command)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(serve_commands())
