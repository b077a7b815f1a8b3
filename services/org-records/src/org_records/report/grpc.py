from __future__ import annotations

import grpc

from banso.records.v1 import plans_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message
from org_records.org import OrgIdentity
from org_records.report.schemas import AnnualReport
from org_records.report.service import report_service
from org_records.report.workbook import annual_report_workbook


def report_to_proto(report: AnnualReport) -> plans_pb2.AnnualReport:
    message = plans_pb2.AnnualReport(
        org_id=report.organization.org_id,
        org_name=report.organization.name,
        org_kind=report.organization.kind,
        org_kind_label=report.organization.kind_label,
        plan_id=report.plan.id,
        plan_title=report.plan.title,
    )
    fill_message(message, report.model_dump(exclude={"organization", "plan", "kpis", "kgis", "benchmarks"}))
    message.kpis.extend(fill_message(plans_pb2.KpiResult(), kpi.model_dump()) for kpi in report.kpis)
    message.kgis.extend(fill_message(plans_pb2.KgiResult(), kgi.model_dump()) for kgi in report.kgis)
    message.benchmarks.extend(
        fill_message(plans_pb2.BusinessBenchmark(), benchmark.model_dump()) for benchmark in report.benchmarks
    )
    return message


class ReportRpcs:
    database: Database
    org: OrgIdentity

    async def GetAnnualReport(
        self, request: plans_pb2.GetAnnualReportRequest, context: grpc.aio.ServicerContext
    ) -> plans_pb2.GetAnnualReportResponse:
        plan_id = request.plan_id if request.HasField("plan_id") else None
        async with self.database.session() as session:
            report = await report_service.annual(session, request.fiscal_year, self.org, plan_id)
        response = plans_pb2.GetAnnualReportResponse(report=report_to_proto(report))
        if request.format == plans_pb2.REPORT_FORMAT_XLSX:
            response.xlsx = annual_report_workbook(report)
        return response
