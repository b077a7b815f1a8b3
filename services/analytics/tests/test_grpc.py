"""banso.analytics.v1.AnalyticsService: the twin of the REST tables, with the same access and suppression."""

from __future__ import annotations

import grpc
import pytest

from banso.analytics.v1 import analytics_pb2, analytics_pb2_grpc

from .conftest import HAKUI, KANAZAWA, NANAO, PREFECTURE, outcome_record


async def call(analytics, method: str, request, caller: str | None = PREFECTURE):
    metadata = (("authorization", f"Bearer {analytics.registry.token(caller)}"),) if caller else ()
    async with grpc.aio.insecure_channel(analytics.grpc_target) as channel:
        stub = analytics_pb2_grpc.AnalyticsServiceStub(channel)
        return await getattr(stub, method)(request, metadata=metadata, timeout=30)


@pytest.fixture
async def analytics3(start_analytics, wire):
    analytics = await start_analytics(min_businesses=3)
    for org, size in ((KANAZAWA, 4), (NANAO, 3), (HAKUI, 2)):
        for _ in range(size):
            await wire.publish_record(outcome_record(wire.new_ref(), org_id=org, sessions_by_approach={"listening": 2}))
    await wire.settled()
    return analytics


async def test_list_and_get_match_rest(analytics3):
    listed = await call(analytics3, "ListTables", analytics_pb2.ListTablesRequest())
    assert [item.name for item in listed.items][-1] == "org-vs-prefecture" and listed.min_businesses == 3
    response = await call(analytics3, "GetTable", analytics_pb2.GetTableRequest(name="org-vs-prefecture"))
    rest = await analytics3.table("org-vs-prefecture")
    rows = [dict(row) for row in response.rows]
    assert [row["org"] for row in rows] == [row["org"] for row in rest["rows"]]
    by_org = {row["org"]: row for row in rows}
    assert by_org[KANAZAWA]["businesses"] == 4 and by_org[KANAZAWA]["sessions"] == 8
    assert by_org[HAKUI]["suppressed"] is True and by_org[HAKUI]["businesses"] is None
    assert response.table.title == "団体と県全体の比較"


async def test_an_organization_sees_itself_and_the_prefecture(analytics3):
    response = await call(
        analytics3, "GetTable", analytics_pb2.GetTableRequest(name="org-vs-prefecture"), caller=KANAZAWA
    )
    assert [row["org"] for row in response.rows] == [KANAZAWA, "total"]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call(analytics3, "GetTable", analytics_pb2.GetTableRequest(name="outcomes", org=NANAO), caller=KANAZAWA)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    ("request_fields", "code", "named"),
    [
        ({"name": ""}, grpc.StatusCode.INVALID_ARGUMENT, "name"),
        ({"name": "outcomes", "fiscal_quarter": 9}, grpc.StatusCode.INVALID_ARGUMENT, "fiscal_quarter"),
        ({"name": "outcomes", "org_kind": "bank"}, grpc.StatusCode.INVALID_ARGUMENT, "org_kind"),
        ({"name": "salaries"}, grpc.StatusCode.NOT_FOUND, "salaries"),
    ],
)
async def test_bad_requests_name_the_field(analytics3, request_fields, code, named):
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await call(analytics3, "GetTable", analytics_pb2.GetTableRequest(**request_fields))
    assert failed.value.code() == code and named in (failed.value.details() or "")


async def test_without_a_token_the_call_is_refused(analytics3):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call(analytics3, "ListTables", analytics_pb2.ListTablesRequest(), caller=None)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
