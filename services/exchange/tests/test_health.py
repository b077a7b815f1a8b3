"""Liveness, readiness that follows the broker, and the gRPC health service."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from banso_core.testing.servers import eventually

pytestmark = pytest.mark.postgres

READY = {"ready": True, "checks": {"database": True, "nats": True, "search_index": True}}
BROKER_AWAY = {"ready": False, "checks": {"database": True, "nats": False, "search_index": True}}


async def readiness(exchange) -> tuple[int, dict]:
    response = await exchange.get("/readyz")
    return response.status_code, response.json()


async def is_ready(exchange) -> bool:
    return await readiness(exchange) == (200, READY)


async def test_healthz_answers(exchange):
    response = await exchange.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_follows_the_broker(exchange, nats_server, wire):
    await eventually(lambda: is_ready(exchange), what="/readyz 200 once connected")

    nats_server.kill()

    async def broker_away() -> bool:
        return await readiness(exchange) == (503, BROKER_AWAY)

    await eventually(broker_away, what="/readyz 503 with nats false")
    liveness = await exchange.get("/healthz")
    assert liveness.status_code == 200  # alive, just not ready

    nats_server.start()
    await eventually(lambda: is_ready(exchange), what="/readyz 200 after the broker is back")

    # Ready means consuming again, not only connected.
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, text="復旧後の目標"))

    async def ingested() -> bool:
        return ref in await exchange.refs(q="復旧後")

    await eventually(ingested, what="a summary published after the broker came back")


async def test_exchange_starts_without_the_broker_and_catches_up(nats_server, start_exchange, wire):
    ref = wire.new_ref()
    await wire.publish(wire.summary(ref, text="起動前に公開された目標"))
    nats_server.kill()

    exchange = await start_exchange()
    assert await readiness(exchange) == (503, BROKER_AWAY)
    assert (await exchange.get("/healthz")).status_code == 200
    assert (await exchange.search())["total"] == 0  # search serves from the database meanwhile

    nats_server.start()
    await eventually(lambda: is_ready(exchange), what="/readyz 200 once the broker is up")

    async def ingested() -> bool:
        return ref in await exchange.refs()

    await eventually(ingested, what="the summary published before the exchange started")


async def health_check(exchange, service: str) -> health_pb2.HealthCheckResponse:
    async with grpc.aio.insecure_channel(exchange.grpc_target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)


@pytest.mark.parametrize("service", ["banso.exchange.v1.ExchangeService", ""])
async def test_grpc_health_reports_serving(exchange, service):
    reply = await health_check(exchange, service)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_grpc_health_does_not_know_other_services(exchange):
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await health_check(exchange, "banso.records.v1.RecordsService")
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
