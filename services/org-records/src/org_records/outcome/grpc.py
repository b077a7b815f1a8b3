from __future__ import annotations

import grpc

from banso.records.v1 import monitoring_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, named_fields, present_fields
from org_records.outcome.schemas import OutcomeFields, OutcomeOut, OutcomePatch
from org_records.outcome.service import outcome_service
from org_records.rpc import check_update_fields


def outcome_to_proto(record: OutcomeOut) -> monitoring_pb2.Outcome:
    values = record.model_dump()
    message = fill_message(monitoring_pb2.Outcome(), values)
    fill_message(message.fields, values)
    return message


class OutcomeRpcs:
    database: Database

    async def CreateOutcome(
        self, request: monitoring_pb2.CreateOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.CreateOutcomeResponse:
        fields = OutcomeFields.model_validate(present_fields(request.outcome))
        async with self.database.session() as session:
            record = OutcomeOut.model_validate(await outcome_service.create(session, request.business_id, fields))
            await session.commit()
        return monitoring_pb2.CreateOutcomeResponse(outcome=outcome_to_proto(record))

    async def GetOutcome(
        self, request: monitoring_pb2.GetOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetOutcomeResponse:
        async with self.database.session() as session:
            record = OutcomeOut.model_validate(await outcome_service.get(session, request.id))
        return monitoring_pb2.GetOutcomeResponse(outcome=outcome_to_proto(record))

    async def UpdateOutcome(
        self, request: monitoring_pb2.UpdateOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.UpdateOutcomeResponse:
        check_update_fields(request.update_fields, OutcomeFields.model_fields)
        patch = OutcomePatch.model_validate(named_fields(request.outcome, request.update_fields))
        expected = request.expected_version if request.HasField("expected_version") else None
        async with self.database.session() as session:
            record = OutcomeOut.model_validate(await outcome_service.update(session, request.id, patch, expected))
            await session.commit()
        return monitoring_pb2.UpdateOutcomeResponse(outcome=outcome_to_proto(record))

    async def DeleteOutcome(
        self, request: monitoring_pb2.DeleteOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.DeleteOutcomeResponse:
        async with self.database.session() as session:
            await outcome_service.delete(session, request.id)
            await session.commit()
        return monitoring_pb2.DeleteOutcomeResponse()

    async def ListOutcomes(
        self, request: monitoring_pb2.ListOutcomesRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListOutcomesResponse:
        async with self.database.session() as session:
            records = [
                OutcomeOut.model_validate(record)
                for record in await outcome_service.list_for_business(session, request.business_id)
            ]
        return monitoring_pb2.ListOutcomesResponse(outcomes=[outcome_to_proto(record) for record in records])
