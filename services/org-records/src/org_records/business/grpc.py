from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from org_records.business.schemas import BusinessFields, BusinessOut
from org_records.business.service import business_service
from org_records.org import OrgIdentity


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
