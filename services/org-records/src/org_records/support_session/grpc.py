from __future__ import annotations

import grpc

from banso.records.v1 import records_pb2
from banso_core.db import Database
from banso_core.protobuf import fill_message, message_fields
from org_records.pagination import grpc_page_request
from org_records.rpc import optional_timestamp, requested_changes
from org_records.support_session.schemas import (
    SupportSessionFields,
    SupportSessionOut,
    SupportSessionPatch,
    support_session_out,
)
from org_records.support_session.service import support_session_service


def session_to_proto(record: SupportSessionOut) -> records_pb2.Session:
    message = records_pb2.Session(id=record.id, business_id=record.business_id, version=record.version)
    fill_message(message.fields, record.model_dump(exclude={"goal_ids"}))
    message.fields.goal_ids.extend(record.goal_ids)
    message.created_at.FromDatetime(record.created_at)
    message.updated_at.FromDatetime(record.updated_at)
    return message


class SupportSessionRpcs:
    database: Database

    async def CreateSession(
        self, request: records_pb2.CreateSessionRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.CreateSessionResponse:
        fields = SupportSessionFields.model_validate(message_fields(request.session))
        async with self.database.session() as session:
            record = support_session_out(await support_session_service.record(session, request.business_id, fields))
            await session.commit()
        return records_pb2.CreateSessionResponse(session=session_to_proto(record))

    async def GetSession(
        self, request: records_pb2.GetSessionRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.GetSessionResponse:
        async with self.database.session() as session:
            record = support_session_out(await support_session_service.get(session, request.id))
        return records_pb2.GetSessionResponse(session=session_to_proto(record))

    async def UpdateSession(
        self, request: records_pb2.UpdateSessionRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.UpdateSessionResponse:
        expected = request.expected_version if request.HasField("expected_version") else None
        patch = SupportSessionPatch.model_validate(
            requested_changes(request.session, request.update_fields, SupportSessionFields.model_fields, expected)
        )
        async with self.database.session() as session:
            record = support_session_out(await support_session_service.update(session, request.id, patch))
            await session.commit()
        return records_pb2.UpdateSessionResponse(session=session_to_proto(record))

    async def DeleteSession(
        self, request: records_pb2.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.DeleteSessionResponse:
        async with self.database.session() as session:
            await support_session_service.delete(session, request.id)
            await session.commit()
        return records_pb2.DeleteSessionResponse()

    async def ListSessions(
        self, request: records_pb2.ListSessionsRequest, context: grpc.aio.ServicerContext
    ) -> records_pb2.ListSessionsResponse:
        page_request = grpc_page_request(
            request.page_size, request.page_token, optional_timestamp(request, "updated_since")
        )
        async with self.database.session() as session:
            page = await support_session_service.page(
                session,
                page_request,
                business_id=request.business_id if request.HasField("business_id") else None,
                staff_id=request.staff_id if request.HasField("staff_id") else None,
            )
            sessions = [session_to_proto(support_session_out(record)) for record in page.items]
        return records_pb2.ListSessionsResponse(sessions=sessions, next_page_token=page.next_cursor or "")
