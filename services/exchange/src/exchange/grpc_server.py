from __future__ import annotations

import grpc

from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.db import Database
from banso_core.service import GrpcRegistration
from exchange.goal_summary.grpc import ExchangeServicer

SERVICE_NAMES = [exchange_pb2.DESCRIPTOR.services_by_name["ExchangeService"].full_name]


def registrations(database: Database) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        exchange_pb2_grpc.add_ExchangeServiceServicer_to_server(ExchangeServicer(database), server)

    return [register]
