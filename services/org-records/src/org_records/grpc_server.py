from __future__ import annotations

import grpc

from banso.records.v1 import plans_pb2, plans_pb2_grpc, records_pb2, records_pb2_grpc
from banso_core.db import Database
from banso_core.service import GrpcRegistration
from org_records.business.grpc import BusinessRpcs
from org_records.goal.grpc import GoalRpcs
from org_records.org import OrgIdentity
from org_records.plan.grpc import PlanRpcs
from org_records.report.grpc import ReportRpcs

SERVICE_NAMES = [
    records_pb2.DESCRIPTOR.services_by_name["RecordsService"].full_name,
    plans_pb2.DESCRIPTOR.services_by_name["PlanService"].full_name,
]


class RecordsServicer(BusinessRpcs, GoalRpcs, records_pb2_grpc.RecordsServiceServicer):
    def __init__(self, database: Database, org: OrgIdentity) -> None:
        self.database = database
        self.org = org


class PlanServicer(PlanRpcs, ReportRpcs, plans_pb2_grpc.PlanServiceServicer):
    """経営発達支援計画 and its 実績報告書."""

    def __init__(self, database: Database, org: OrgIdentity) -> None:
        self.database = database
        self.org = org


def registrations(database: Database, org: OrgIdentity) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        records_pb2_grpc.add_RecordsServiceServicer_to_server(RecordsServicer(database, org), server)
        plans_pb2_grpc.add_PlanServiceServicer_to_server(PlanServicer(database, org), server)

    return [register]
