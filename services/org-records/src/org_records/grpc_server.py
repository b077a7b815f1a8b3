from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2, records_pb2_grpc
from banso_core.db import Database
from banso_core.service import GrpcRegistration
from org_records.business.grpc import BusinessRpcs
from org_records.goal.grpc import GoalRpcs
from org_records.org import OrgIdentity
from org_records.organization.grpc import OrganizationRpcs
from org_records.support_session.grpc import SupportSessionRpcs
from org_records.task.grpc import TaskRpcs

SERVICE_NAMES = [records_pb2.DESCRIPTOR.services_by_name["RecordsService"].full_name]


class RecordsServicer(
    BusinessRpcs,
    GoalRpcs,
    SupportSessionRpcs,
    TaskRpcs,
    OrganizationRpcs,
    records_pb2_grpc.RecordsServiceServicer,
):
    def __init__(self, database: Database, org: OrgIdentity) -> None:
        self.database = database
        self.org = org


def registrations(database: Database, org: OrgIdentity) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        records_pb2_grpc.add_RecordsServiceServicer_to_server(RecordsServicer(database, org), server)

    return [register]
