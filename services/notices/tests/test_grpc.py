"""banso.notices.v1 over gRPC: the same operations, permissions and validation as REST."""

from __future__ import annotations

import grpc
import pytest

from banso.notices.v1 import notices_pb2, notices_pb2_grpc


def stub(notices, staff=None):  # type: ignore[no-untyped-def]
    channel = grpc.aio.insecure_channel(notices.grpc_target)
    metadata = (("authorization", f"Bearer {notices.token(staff)}"),) if staff is not None else ()
    return channel, notices_pb2_grpc.NoticesServiceStub(channel), metadata


async def test_post_list_read_comment_and_receipts_over_grpc(notices):
    people = notices.people
    channel, service, prefecture = stub(notices, people.prefecture)
    _, _, advisor = stub(notices, people.kanazawa_advisor)
    _, _, society = stub(notices, people.hakui_advisor)
    async with channel:
        fields = notices_pb2.NoticeFields(
            kind="official",
            title="能登半島地震 なりわい再建支援補助金",
            body="**第5次公募**",
            category="disaster_support",
            audience=notices_pb2.Audience(org_kinds=["cci"]),
            attachments=[notices_pb2.Attachment(title="公募要領", url="https://example.jp/yoryo.pdf")],
        )
        created = (
            await service.CreateNotice(notices_pb2.CreateNoticeRequest(notice=fields), metadata=prefecture)
        ).notice
        assert (created.kind_label, created.category_label) == ("県からのお知らせ", "災害支援")
        assert created.body_html == "<p><strong>第5次公募</strong></p>\n"
        assert created.attachments[0].url == "https://example.jp/yoryo.pdf"

        listed = await service.ListNotices(notices_pb2.ListNoticesRequest(q="なりわい"), metadata=advisor)
        assert ([item.id for item in listed.items], listed.total) == ([created.id], 1)
        assert (await service.ListNotices(notices_pb2.ListNoticesRequest(), metadata=society)).total == 0

        await service.CreateComment(
            notices_pb2.CreateCommentRequest(notice_id=created.id, body="申請します"), metadata=advisor
        )
        read = await service.MarkRead(notices_pb2.MarkReadRequest(notice_id=created.id), metadata=advisor)
        again = await service.MarkRead(notices_pb2.MarkReadRequest(notice_id=created.id), metadata=advisor)
        assert read.read_at == again.read_at
        detail = await service.GetNotice(notices_pb2.GetNoticeRequest(id=created.id), metadata=advisor)
        assert (detail.notice.read, [c.body for c in detail.comments]) == (True, ["申請します"])

        receipts = await service.GetReceipts(notices_pb2.GetReceiptsRequest(notice_id=created.id), metadata=prefecture)
        assert [(org.org_id, org.read_count) for org in receipts.organizations] == [
            ("nanao-cci", 0),
            ("kanazawa-cci", 1),
        ]
        assert (receipts.organizations_read, receipts.organizations_unread) == (1, 1)
        reminded = await service.RemindUnread(
            notices_pb2.RemindUnreadRequest(notice_id=created.id), metadata=prefecture
        )
        assert list(reminded.org_ids) == ["kanazawa-cci", "nanao-cci"]

        updated = await service.UpdateNotice(
            notices_pb2.UpdateNoticeRequest(
                id=created.id,
                notice=notices_pb2.NoticeFields(pinned=True),
                update_fields=["pinned"],
                expected_version=1,
            ),
            metadata=prefecture,
        )
        assert (updated.notice.pinned, updated.notice.version, updated.notice.title) == (True, 2, created.title)
        await service.DeleteNotice(notices_pb2.DeleteNoticeRequest(id=created.id), metadata=prefecture)
        with pytest.raises(grpc.aio.AioRpcError) as gone:
            await service.GetNotice(notices_pb2.GetNoticeRequest(id=created.id), metadata=advisor)
        assert gone.value.code() == grpc.StatusCode.NOT_FOUND


async def test_grpc_refuses_without_a_token_other_roles_and_bad_input(notices):
    people = notices.people
    channel, service, advisor = stub(notices, people.kanazawa_advisor)
    _, _, prefecture = stub(notices, people.prefecture)
    official = notices_pb2.NoticeFields(kind="official", title="t", body="b", category="seminar")
    async with channel:
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await service.ListNotices(notices_pb2.ListNoticesRequest())
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as not_prefecture:
            await service.CreateNotice(notices_pb2.CreateNoticeRequest(notice=official), metadata=advisor)
        assert not_prefecture.value.code() == grpc.StatusCode.PERMISSION_DENIED

        backwards = notices_pb2.CreateNoticeRequest(notice=official)
        backwards.notice.publish_at.FromJsonString("2026-07-01T00:00:00Z")
        backwards.notice.expires_at.FromJsonString("2026-06-01T00:00:00Z")
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await service.CreateNotice(backwards, metadata=prefecture)
        assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "expires_at" in (invalid.value.details() or "")
        with pytest.raises(grpc.aio.AioRpcError) as unknown_field:
            await service.UpdateNotice(
                notices_pb2.UpdateNoticeRequest(id=1, update_fields=["kind"]), metadata=prefecture
            )
        assert unknown_field.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "update_fields" in (unknown_field.value.details() or "")
        with pytest.raises(grpc.aio.AioRpcError) as bad_category:
            await service.ListNotices(notices_pb2.ListNoticesRequest(category="lottery"), metadata=advisor)
        assert bad_category.value.code() == grpc.StatusCode.INVALID_ARGUMENT
