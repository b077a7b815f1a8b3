from __future__ import annotations

import grpc

from banso.records.v1 import (
    monitoring_pb2,
    monitoring_pb2_grpc,
    plans_pb2,
    plans_pb2_grpc,
    records_pb2,
    records_pb2_grpc,
)
from banso_core.db import Database
from banso_core.service import GrpcRegistration
from org_records.business.grpc import BusinessRpcs
from org_records.financials.grpc import FinancialsRpcs
from org_records.goal.grpc import GoalRpcs
from org_records.org import OrgIdentity
from org_records.organization.grpc import OrganizationRpcs
from org_records.outcome.grpc import OutcomeRpcs
from org_records.period_lock.grpc import PeriodLockRpcs
from org_records.plan.grpc import PlanRpcs
from org_records.policy_support.grpc import PolicySupportRpcs
from org_records.report.grpc import ReportRpcs
from org_records.support_session.grpc import SupportSessionRpcs
from org_records.task.grpc import TaskRpcs

SERVICE_NAMES = [
    records_pb2.DESCRIPTOR.services_by_name["RecordsService"].full_name,
    monitoring_pb2.DESCRIPTOR.services_by_name["MonitoringService"].full_name,
    plans_pb2.DESCRIPTOR.services_by_name["PlanService"].full_name,
]


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


class MonitoringServicer(
    FinancialsRpcs, PolicySupportRpcs, OutcomeRpcs, PeriodLockRpcs, monitoring_pb2_grpc.MonitoringServiceServicer
):
    """四半期モニタリング, 施策支援, 成果 and 期間ロック."""

    def __init__(self, database: Database) -> None:
        self.database = database


class PlanServicer(PlanRpcs, ReportRpcs, plans_pb2_grpc.PlanServiceServicer):
    """経営発達支援計画 and its 実績報告書."""

    def __init__(self, database: Database, org: OrgIdentity) -> None:
        self.database = database
        self.org = org


def registrations(database: Database, org: OrgIdentity) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        records_pb2_grpc.add_RecordsServiceServicer_to_server(RecordsServicer(database, org), server)
        monitoring_pb2_grpc.add_MonitoringServiceServicer_to_server(MonitoringServicer(database), server)
        plans_pb2_grpc.add_PlanServiceServicer_to_server(PlanServicer(database, org), server)

    return [register]
