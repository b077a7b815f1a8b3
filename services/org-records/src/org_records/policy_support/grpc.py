from __future__ import annotations

import grpc

from banso.records.v1 import monitoring_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, named_fields, present_fields
from org_records.policy_support.schemas import PolicySupportFields, PolicySupportOut, PolicySupportPatch
from org_records.policy_support.service import policy_support_service
from org_records.rpc import check_update_fields


def policy_support_to_proto(record: PolicySupportOut) -> monitoring_pb2.PolicySupport:
    values = record.model_dump()
    message = fill_message(monitoring_pb2.PolicySupport(), values)
    fill_message(message.fields, values)
    return message


class PolicySupportRpcs:
    database: Database

    async def CreatePolicySupport(
        self, request: monitoring_pb2.CreatePolicySupportRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.CreatePolicySupportResponse:
        fields = PolicySupportFields.model_validate(present_fields(request.policy_support))
        async with self.database.session() as session:
            record = PolicySupportOut.model_validate(
                await policy_support_service.create(session, request.business_id, fields)
            )
            await session.commit()
        return monitoring_pb2.CreatePolicySupportResponse(policy_support=policy_support_to_proto(record))

    async def GetPolicySupport(
        self, request: monitoring_pb2.GetPolicySupportRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.GetPolicySupportResponse:
        async with self.database.session() as session:
            record = PolicySupportOut.model_validate(await policy_support_service.get(session, request.id))
        return monitoring_pb2.GetPolicySupportResponse(policy_support=policy_support_to_proto(record))

    async def UpdatePolicySupport(
        self, request: monitoring_pb2.UpdatePolicySupportRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.UpdatePolicySupportResponse:
        check_update_fields(request.update_fields, PolicySupportFields.model_fields)
        patch = PolicySupportPatch.model_validate(named_fields(request.policy_support, request.update_fields))
        expected = request.expected_version if request.HasField("expected_version") else None
        async with self.database.session() as session:
            record = PolicySupportOut.model_validate(
                await policy_support_service.update(session, request.id, patch, expected)
            )
            await session.commit()
        return monitoring_pb2.UpdatePolicySupportResponse(policy_support=policy_support_to_proto(record))

    async def DeletePolicySupport(
        self, request: monitoring_pb2.DeletePolicySupportRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.DeletePolicySupportResponse:
        async with self.database.session() as session:
            await policy_support_service.delete(session, request.id)
            await session.commit()
        return monitoring_pb2.DeletePolicySupportResponse()

    async def ListPolicySupports(
        self, request: monitoring_pb2.ListPolicySupportsRequest, context: grpc.aio.ServicerContext
    ) -> monitoring_pb2.ListPolicySupportsResponse:
        async with self.database.session() as session:
            records = [
                PolicySupportOut.model_validate(record)
                for record in await policy_support_service.list_for_business(session, request.business_id)
            ]
        return monitoring_pb2.ListPolicySupportsResponse(
            policy_supports=[policy_support_to_proto(record) for record in records]
        )
