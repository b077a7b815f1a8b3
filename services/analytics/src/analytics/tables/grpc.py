from __future__ import annotations

import grpc
from google.protobuf.struct_pb2 import Struct

from analytics.tables.schemas import TableFilters, TableSummary
from analytics.tables.service import table_service
from banso.analytics.v1 import analytics_pb2, analytics_pb2_grpc
from banso_core.db import Database
from banso_core.errors import InvalidInput
from banso_core.federation import MemberOrganizations, grpc_caller
from banso_core.protobuf import present_fields


def summary_to_proto(summary: TableSummary) -> analytics_pb2.TableSummary:
    return analytics_pb2.TableSummary(
        name=summary.name,
        title=summary.title,
        description=summary.description,
        dimensions=[analytics_pb2.Column(**column.model_dump()) for column in summary.dimensions],
        measures=[analytics_pb2.Column(**column.model_dump()) for column in summary.measures],
    )


class AnalyticsServicer(analytics_pb2_grpc.AnalyticsServiceServicer):
    def __init__(self, database: Database, members: MemberOrganizations, k: int) -> None:
        self.database = database
        self.members = members
        self.k = k

    async def ListTables(
        self, request: analytics_pb2.ListTablesRequest, context: grpc.aio.ServicerContext
    ) -> analytics_pb2.ListTablesResponse:
        return analytics_pb2.ListTablesResponse(
            items=[summary_to_proto(summary) for summary in table_service.list()], min_businesses=self.k
        )

    async def GetTable(
        self, request: analytics_pb2.GetTableRequest, context: grpc.aio.ServicerContext
    ) -> analytics_pb2.GetTableResponse:
        fields = present_fields(request)
        name = fields.pop("name", "")
        if not name:
            raise InvalidInput("name: the table's name is required", field="name")
        filters = TableFilters.model_validate(fields)
        async with self.database.session(read_only=True) as session:
            table = await table_service.get(
                session, name, filters, caller=grpc_caller(), members=self.members, k=self.k
            )
        rows = []
        for row in table.rows:
            struct = Struct()
            struct.update(row)
            rows.append(struct)
        return analytics_pb2.GetTableResponse(
            table=summary_to_proto(TableSummary.model_validate(table.model_dump())),
            min_businesses=table.min_businesses,
            rows=rows,
        )
