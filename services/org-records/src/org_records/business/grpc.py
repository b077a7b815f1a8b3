from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from banso_core.vocabulary import SupportStage
from org_records.business.schemas import BusinessFields, BusinessOut, BusinessPatch
from org_records.business.service import business_service
from org_records.org import OrgIdentity
from org_records.pagination import grpc_page_request
from org_records.rpc import code_filter, optional_timestamp, requested_changes


def business_to_proto(business: BusinessOut) -> records_pb2.Business:
    values = business.model_dump()
    message = records_pb2.Business(id=business.id, version=business.version)
    fill_message(message.fields, values)
    message.created_at.FromDatetime(business.created_at)
    message.updated_at.FromDatetime(business.updated_at)
    return message


class BusinessRpcs:
    database: Database
    org: OrgIdentity

    async def CreateBusiness(
        self, request: records_pb2.CreateBusinessRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.CreateBusinessResponse:
        fields = BusinessFields.model_validate(message_fields(request.business))
        async with self.database.session() as session:
            business = BusinessOut.model_validate(await business_service.create(session, fields, self.org))
            await session.commit()
        return records_pb2.CreateBusinessResponse(business=business_to_proto(business))

    async def GetBusiness(
        self, request: records_pb2.GetBusinessRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.GetBusinessResponse:
        async with self.database.session() as session:
            business = BusinessOut.model_validate(await business_service.get(session, request.id))
        return records_pb2.GetBusinessResponse(business=business_to_proto(business))

    async def UpdateBusiness(
        self, request: records_pb2.UpdateBusinessRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.UpdateBusinessResponse:
        expected = request.expected_version if request.HasField("expected_version") else None
        changes = requested_changes(request.business, request.update_fields, BusinessFields.model_fields, expected)
        patch = BusinessPatch.model_validate(changes)
        async with self.database.session() as session:
            business = BusinessOut.model_validate(await business_service.update(session, request.id, patch, self.org))
            await session.commit()
        return records_pb2.UpdateBusinessResponse(business=business_to_proto(business))

    async def DeleteBusiness(
        self, request: records_pb2.DeleteBusinessRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.DeleteBusinessResponse:
        async with self.database.session() as session:
            await business_service.delete(session, request.id, self.org)
            await session.commit()
        return records_pb2.DeleteBusinessResponse()

    async def ListBusinesses(
        self, request: records_pb2.ListBusinessesRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.ListBusinessesResponse:
        page_request = grpc_page_request(
            request.page_size, request.page_token, optional_timestamp(request, "updated_since")
        )
        async with self.database.session() as session:
            page = await business_service.page(
                session,
                page_request,
                support_stage=code_filter(SupportStage, request.support_stage, "support_stage"),
                staff_id=request.staff_id if request.HasField("staff_id") else None,
            )
            businesses = [business_to_proto(BusinessOut.model_validate(row)) for row in page.items]
        return records_pb2.ListBusinessesResponse(businesses=businesses, next_page_token=page.next_cursor or "")
