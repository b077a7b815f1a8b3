from __future__ import annotations

import grpc

from banso.records.v1 import monitoring_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, present_fields
from org_records.financials.schemas import FinancialsFields, FinancialsOut
from org_records.financials.service import financials_service


def financials_to_proto(figures: FinancialsOut) -> monitoring_pb2.Financials:
    values = figures.model_dump()
    message = fill_message(monitoring_pb2.Financials(), values)
    fill_message(message.fields, values)
    return message


class FinancialsRpcs:
    database: Database

    async def PutFinancials(
        self, request: monitoring_pb2.PutFinancialsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.PutFinancialsResponse:
        fields = FinancialsFields.model_validate(present_fields(request.financials))
        expected = request.expected_version if request.HasField("expected_version") else None
        async with self.database.session() as session:
            stored, created = await financials_service.put_quarter(
                session, request.business_id, request.fiscal_year, request.quarter, fields, expected
            )
            figures = FinancialsOut.model_validate(stored)
            await session.commit()
        return monitoring_pb2.PutFinancialsResponse(financials=financials_to_proto(figures), created=created)

    async def GetFinancials(
        self, request: monitoring_pb2.GetFinancialsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetFinancialsResponse:
        async with self.database.session() as session:
            stored = await financials_service.get_quarter(
                session, request.business_id, request.fiscal_year, request.quarter
            )
            figures = FinancialsOut.model_validate(stored)
        return monitoring_pb2.GetFinancialsResponse(financials=financials_to_proto(figures))

    async def ListFinancials(
        self, request: monitoring_pb2.ListFinancialsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListFinancialsResponse:
        async with self.database.session() as session:
            rows = [
                FinancialsOut.model_validate(row)
                for row in await financials_service.list_for_business(session, request.business_id)
            ]
        return monitoring_pb2.ListFinancialsResponse(financials=[financials_to_proto(row) for row in rows])

    async def DeleteFinancials(
        self, request: monitoring_pb2.DeleteFinancialsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.DeleteFinancialsResponse:
        expected = request.expected_version if request.HasField("expected_version") else None
        async with self.database.session() as session:
            await financials_service.delete_quarter(
                session, request.business_id, request.fiscal_year, request.quarter, expected
            )
            await session.commit()
        return monitoring_pb2.DeleteFinancialsResponse()
