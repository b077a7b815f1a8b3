from __future__ import annotations

import grpc

from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.db import Database
from banso_core.federation import MemberOrganizations
from banso_core.service import GrpcRegistration
from exchange.goal_summary.grpc import ExchangeServicer
from exchange.inquiry.grpc import InquiryServicer

SERVICE_NAMES = [exchange_pb2.DESCRIPTOR.services_by_name["ExchangeService"].full_name]


class ExchangeServiceServicer(InquiryServicer, ExchangeServicer):
    """Search and similar goals (goal_summary), and inquiries."""


def registrations(database: Database, members: MemberOrganizations) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        exchange_pb2_grpc.add_ExchangeServiceServicer_to_server(ExchangeServiceServicer(database, members), server)

    return [register]
