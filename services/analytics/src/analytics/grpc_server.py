from __future__ import annotations

import grpc

from analytics.tables.grpc import AnalyticsServicer
from banso.analytics.v1 import analytics_pb2, analytics_pb2_grpc
from banso_core.db import Database
from banso_core.federation import MemberOrganizations
from banso_core.service import GrpcRegistration

SERVICE_NAMES = [analytics_pb2.DESCRIPTOR.services_by_name["AnalyticsService"].full_name]


def registrations(database: Database, members: MemberOrganizations, k: int) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        analytics_pb2_grpc.add_AnalyticsServiceServicer_to_server(AnalyticsServicer(database, members, k), server)

    return [register]
