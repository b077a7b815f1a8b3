"""The gRPC server answers health checks and describes itself through reflection."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc


async def test_health_and_reflection(org_records):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{org_records.app.state.grpc_port}") as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="banso.records.v1.RecordsService")
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING

        async def ask():
            yield reflection_pb2.ServerReflectionRequest(list_services="")

        responses = [
            reply async for reply in reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(ask())
        ]
    names = {service.name for service in responses[0].list_services_response.service}
    assert {"banso.records.v1.RecordsService", "grpc.health.v1.Health"} <= names
