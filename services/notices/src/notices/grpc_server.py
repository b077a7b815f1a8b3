from __future__ import annotations

import grpc

from banso.notices.v1 import notices_pb2, notices_pb2_grpc
from banso_core.db import Database
from banso_core.federation import MemberOrganizations
from banso_core.service import GrpcRegistration
from notices.comment.grpc import CommentRpcs
from notices.notice.grpc import NoticeRpcs
from notices.receipt.grpc import ReceiptRpcs

SERVICE_NAMES = [notices_pb2.DESCRIPTOR.services_by_name["NoticesService"].full_name]


class NoticesServicer(NoticeRpcs, CommentRpcs, ReceiptRpcs, notices_pb2_grpc.NoticesServiceServicer):
    """お知らせ, コメント and 既読 over gRPC; `MemberStaffInterceptor` has verified the caller."""

    def __init__(self, database: Database, members: MemberOrganizations) -> None:
        self.database = database
        self.members = members


def registrations(database: Database, members: MemberOrganizations) -> list[GrpcRegistration]:
    def register(server: grpc.aio.Server) -> None:
        notices_pb2_grpc.add_NoticesServiceServicer_to_server(NoticesServicer(database, members), server)

    return [register]
