from __future__ import annotations

import grpc

from banso.notices.v1 import notices_pb2
from banso_core.db import Database
from notices.comment.schemas import CommentFields, CommentOut, CommentPatch
from notices.comment.service import comment_service
from notices.grpc_mapping import CallerRpcs, set_timestamp


def comment_to_proto(comment: CommentOut) -> notices_pb2.Comment:
    message = notices_pb2.Comment(
        id=comment.id,
        notice_id=comment.notice_id,
        body=comment.body,
        body_html=comment.body_html,
        author_org_id=comment.author_org_id,
        author_org_name=comment.author_org_name,
        author_staff_id=comment.author_staff_id,
        author_name=comment.author_name,
        version=comment.version,
    )
    set_timestamp(message, "created_at", comment.created_at)
    set_timestamp(message, "updated_at", comment.updated_at)
    return message


class CommentRpcs(CallerRpcs):
    database: Database

    async def CreateComment(
        self, request: notices_pb2.CreateCommentRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.CreateCommentResponse:
        fields = CommentFields.model_validate({"body": request.body})
        async with self.database.session() as session:
            comment = await comment_service.create(session, self.caller(), self.members, request.notice_id, fields)
            await session.commit()
        return notices_pb2.CreateCommentResponse(comment=comment_to_proto(comment))

    async def UpdateComment(
        self, request: notices_pb2.UpdateCommentRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.UpdateCommentResponse:
        version = request.expected_version if request.HasField("expected_version") else None
        patch = CommentPatch.model_validate({"body": request.body, "version": version})
        async with self.database.session() as session:
            comment = await comment_service.update(
                session, self.caller(), self.members, request.notice_id, request.comment_id, patch
            )
            await session.commit()
        return notices_pb2.UpdateCommentResponse(comment=comment_to_proto(comment))

    async def DeleteComment(
        self, request: notices_pb2.DeleteCommentRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.DeleteCommentResponse:
        async with self.database.session() as session:
            await comment_service.delete(session, self.caller(), self.members, request.notice_id, request.comment_id)
            await session.commit()
        return notices_pb2.DeleteCommentResponse()
