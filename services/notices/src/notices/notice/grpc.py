from __future__ import annotations

from typing import Any

import grpc

from banso.notices.v1 import notices_pb2
from banso_core.db import Database
from notices.comment.grpc import comment_to_proto
from notices.comment.service import comment_service
from notices.grpc_mapping import CallerRpcs, check_update_fields, set_timestamp, timestamp_or_none
from notices.notice.schemas import NoticeFields, NoticeOut, NoticePatch, NoticeSearch
from notices.notice.service import notice_service

CHANGEABLE_FIELDS = set(NoticeFields.model_fields) - {"kind"}


def notice_fields_from_proto(message: notices_pb2.NoticeFields) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "title": message.title,
        "body": message.body,
        "category": message.category or None,
        "audience": {
            "org_kinds": list(message.audience.org_kinds),
            "org_ids": list(message.audience.org_ids),
            "roles": list(message.audience.roles),
        },
        "publish_at": timestamp_or_none(message, "publish_at"),
        "expires_at": timestamp_or_none(message, "expires_at"),
        "pinned": message.pinned,
        "attachments": [{"title": item.title, "url": item.url} for item in message.attachments],
    }


def notice_to_proto(notice: NoticeOut) -> notices_pb2.Notice:
    message = notices_pb2.Notice(
        id=notice.id,
        title=notice.title,
        body=notice.body,
        body_html=notice.body_html,
        kind=notice.kind,
        kind_label=notice.kind_label,
        category=notice.category or "",
        category_label=notice.category_label or "",
        audience=notices_pb2.Audience(
            org_kinds=notice.audience.org_kinds, org_ids=notice.audience.org_ids, roles=notice.audience.roles
        ),
        pinned=notice.pinned,
        attachments=[notices_pb2.Attachment(title=item.title, url=str(item.url)) for item in notice.attachments],
        author_org_id=notice.author_org_id,
        author_org_name=notice.author_org_name,
        author_staff_id=notice.author_staff_id,
        author_name=notice.author_name,
        version=notice.version,
        read=notice.read,
        comment_count=notice.comment_count,
    )
    for field in ("publish_at", "expires_at", "created_at", "updated_at"):
        set_timestamp(message, field, getattr(notice, field))
    return message


class NoticeRpcs(CallerRpcs):
    database: Database

    async def CreateNotice(
        self, request: notices_pb2.CreateNoticeRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.CreateNoticeResponse:
        fields = NoticeFields.model_validate(notice_fields_from_proto(request.notice))
        async with self.database.session() as session:
            notice = await notice_service.create(session, self.caller(), self.members, fields)
            await session.commit()
        return notices_pb2.CreateNoticeResponse(notice=notice_to_proto(notice))

    async def ListNotices(
        self, request: notices_pb2.ListNoticesRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.ListNoticesResponse:
        params = NoticeSearch.model_validate(
            {
                "q": request.q,
                "kind": request.kind or None,
                "category": request.category or None,
                "limit": request.limit or 20,
                "offset": request.offset,
            }
        )
        async with self.database.session(read_only=True) as session:
            page = await notice_service.search(session, self.caller(), params)
        return notices_pb2.ListNoticesResponse(items=[notice_to_proto(item) for item in page.items], total=page.total)

    async def GetNotice(
        self, request: notices_pb2.GetNoticeRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.GetNoticeResponse:
        caller = self.caller()
        async with self.database.session(read_only=True) as session:
            notice = await notice_service.get(session, caller, request.id)
            comments = await comment_service.of_notice(session, caller, request.id)
        return notices_pb2.GetNoticeResponse(
            notice=notice_to_proto(notice), comments=[comment_to_proto(comment) for comment in comments]
        )

    async def UpdateNotice(
        self, request: notices_pb2.UpdateNoticeRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.UpdateNoticeResponse:
        check_update_fields(list(request.update_fields), CHANGEABLE_FIELDS)
        values = notice_fields_from_proto(request.notice)
        changes = {name: values[name] for name in request.update_fields}
        if request.HasField("expected_version"):
            changes["version"] = request.expected_version
        patch = NoticePatch.model_validate(changes)
        async with self.database.session() as session:
            notice = await notice_service.update(session, self.caller(), self.members, request.id, patch)
            await session.commit()
        return notices_pb2.UpdateNoticeResponse(notice=notice_to_proto(notice))

    async def DeleteNotice(
        self, request: notices_pb2.DeleteNoticeRequest, context: grpc.aio.ServicerContext
    ) -> notices_pb2.DeleteNoticeResponse:
        async with self.database.session() as session:
            await notice_service.delete(session, self.caller(), self.members, request.id)
            await session.commit()
        return notices_pb2.DeleteNoticeResponse()
