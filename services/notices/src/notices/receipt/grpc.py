from __future__ import annotations

import grpc

from banso.notices.v1 import notices_pb2
from banso_core.db import Database
from notices.grpc_mapping import CallerRpcs, set_timestamp
from notices.receipt.schemas import OrganizationReceipts
from notices.receipt.service import receipt_service


def organization_receipts_to_proto(receipts: OrganizationReceipts) -> notices_pb2.OrganizationReceipts:
    message = notices_pb2.OrganizationReceipts(
        org_id=receipts.org_id,
        org_name=receipts.org_name,
        org_kind=receipts.org_kind,
        targeted=receipts.targeted,
        read_count=receipts.read_count,
    )
    for reader in receipts.readers:
        entry = message.readers.add(staff_id=reader.staff_id, name=reader.name, role=reader.role)
        entry.read_at.FromDatetime(reader.read_at)
    return message


class ReceiptRpcs(CallerRpcs):
    database: Database

    async def MarkRead(
        self, request: notices_pb2.MarkReadRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.MarkReadResponse:
        async with self.database.session() as session:
            read = await receipt_service.mark_read(session, self.caller(), request.notice_id)
            await session.commit()
        response = notices_pb2.MarkReadResponse()
        set_timestamp(response, "read_at", read.read_at)
        return response

    async def GetReceipts(
        self, request: notices_pb2.GetReceiptsRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.GetReceiptsResponse:
        async with self.database.session(read_only=True) as session:
            receipts = await receipt_service.receipts(session, self.caller(), self.members, request.notice_id)
        return notices_pb2.GetReceiptsResponse(
            organizations=[organization_receipts_to_proto(org) for org in receipts.organizations],
            organizations_read=receipts.organizations_read,
            organizations_unread=receipts.organizations_unread,
            read_count=receipts.read_count,
        )

    async def RemindUnread(
        self, request: notices_pb2.RemindUnreadRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.RemindUnreadResponse:
        async with self.database.session() as session:
            reminder = await receipt_service.remind(session, self.caller(), self.members, request.notice_id)
            await session.commit()
        response = notices_pb2.RemindUnreadResponse(org_ids=reminder.org_ids)
        set_timestamp(response, "reminded_at", reminder.reminded_at)
        return response
