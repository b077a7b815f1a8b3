from __future__ import annotations

import grpc

from banso.exchange.v1 import exchange_pb2
from banso_core.db import Database
from banso_core.federation import MemberOrganizations, grpc_caller
from banso_core.protobuf import fill_message, message_fields
from exchange.inquiry.schemas import InquiryCreate, InquiryListParams, InquiryOut
from exchange.inquiry.service import inquiry_service


def inquiry_to_proto(inquiry: InquiryOut) -> exchange_pb2.Inquiry:
    message = fill_message(exchange_pb2.Inquiry(), inquiry.model_dump(exclude={"messages"}))
    for item in inquiry.messages:
        message.messages.append(fill_message(exchange_pb2.InquiryMessage(), item.model_dump()))
    return message


class InquiryServicer:
    """CreateInquiry, ListInquiries and GetInquiry of `banso.exchange.v1.ExchangeService` (mixed into its
    servicer): the REST endpoints' twins."""

    database: Database
    members: MemberOrganizations

    async def CreateInquiry(
        self, request: exchange_pb2.CreateInquiryRequest, context: grpc.aio.ServicerContext
    ) -> exchange_pb2.CreateInquiryResponse:
        body = InquiryCreate.model_validate(message_fields(request))
        caller = grpc_caller()
        member = self.members.get(caller.org)
        async with self.database.session() as session:
            inquiry = await inquiry_service.ask(session, caller, member.name if member else caller.org, body)
            await session.commit()
        return exchange_pb2.CreateInquiryResponse(inquiry=inquiry_to_proto(inquiry))

    async def ListInquiries(
        self, request: exchange_pb2.ListInquiriesRequest, context: grpc.aio.ServicerContext
    ) -> exchange_pb2.ListInquiriesResponse:
        params = InquiryListParams.model_validate(message_fields(request))
        async with self.database.session(read_only=True) as session:
            items, total = await inquiry_service.list_for(session, grpc_caller(), params)
        return exchange_pb2.ListInquiriesResponse(items=[inquiry_to_proto(item) for item in items], total=total)

    async def GetInquiry(
        self, request: exchange_pb2.GetInquiryRequest, context: grpc.aio.ServicerContext
    ) -> exchange_pb2.GetInquiryResponse:
        async with self.database.session(read_only=True) as session:
            inquiry = await inquiry_service.get_for(session, grpc_caller(), request.inquiry_id)
        return exchange_pb2.GetInquiryResponse(inquiry=inquiry_to_proto(inquiry))
