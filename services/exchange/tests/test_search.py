"""Cross-organization lookup: words in 目標 with filters, paging, absurd input, and the gRPC twin of REST."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest

from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc

pytestmark = pytest.mark.postgres

SEARCH = "/api/v1/goals/search"

# Newest first: a (May) > b (April) > c (March) > d (February) > e (January).
GOALS = {
    "a": {"category": "new_product", "jsic_major": "M", "jsic_middle": "75", "status": "in_progress",
          "set_on": dt.date(2026, 5, 1), "text": "サウナ棟付のキャンプ場新設"},
    "b": {"category": "sales_channel", "jsic_major": "M", "jsic_middle": "76", "status": "achieved",
          "set_on": dt.date(2026, 4, 1), "text": "県外への販路開拓で売上20%向上", "achieved_on": dt.date(2026, 9, 30)},
    "c": {"category": "new_product", "jsic_major": "E", "jsic_middle": "10", "status": "in_progress",
          "set_on": dt.date(2026, 3, 1), "text": "地酒の新商品開発"},
    "d": {"category": "digital", "jsic_major": "E", "jsic_middle": "09", "status": "not_started",
          "set_on": dt.date(2026, 2, 1), "text": "受発注のDX化とA/Bテスト"},
    "e": {"category": "talent", "jsic_major": "P", "jsic_middle": "83", "status": "paused",
          "set_on": dt.date(2026, 1, 5), "text": "介護職員の採用_定着"},
}  # fmt: skip


@pytest.fixture
async def goals(store, exchange):
    """The five goals above, plus a withdrawn one that must never be listed; returns name → goal_ref."""
    refs = {name: f"ref-{name}" for name in GOALS}
    await store.ingest([store.incoming(refs[name], **fields) for name, fields in GOALS.items()])
    await store.ingest(
        [store.incoming("ref-withdrawn", version=2, withdrawn=True, set_on=None, text="", category="", status="")]
    )
    return refs


async def found(exchange, **params) -> list[str]:
    result = await exchange.search(**params)
    refs = [item["goal_ref"].removeprefix("ref-") for item in result["items"]]
    assert result["total"] >= len(refs)
    return refs


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "new_product"}, ["a", "c"]),
        ({"jsic_major": "E"}, ["c", "d"]),
        ({"status": "in_progress"}, ["a", "c"]),
        ({"category": "new_product", "jsic_major": "E"}, ["c"]),
        ({"category": "new_product", "status": "in_progress", "jsic_major": "M"}, ["a"]),
        ({"category": "new_product", "status": "achieved"}, []),
        ({"category": "no_such_category"}, []),
        ({"q": "販路", "jsic_major": "M"}, ["b"]),
        ({"q": "販路", "jsic_major": "E"}, []),
        ({"q": "新", "category": "new_product"}, ["a", "c"]),
        ({"q": "新", "category": "new_product", "jsic_major": "E", "status": "in_progress"}, ["c"]),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None,
)
async def test_filters_alone_and_combined(goals, exchange, params, expected):
    result = await exchange.search(**params)
    refs = [item["goal_ref"] for item in result["items"]]
    if "q" in params:  # ranked by relevance, not by date
        refs = sorted(refs)
    assert refs == [goals[name] for name in expected]
    assert result["total"] == len(expected)
    for item in result["items"]:
        for name, value in params.items():
            if name != "q":
                assert item[name] == value


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("サウナ", ["a"]),
        ("サウナ キャンプ", ["a"]),
        ("サウナ\u3000キャンプ", ["a"]),  # a full-width space separates words too
        ("  キャンプ   サウナ  ", ["a"]),
        ("サウナ 地酒", []),  # every word must occur
        ("開", ["b", "c"]),
        ("新設", ["a"]),
    ],
)
async def test_words_must_all_occur_in_the_text(goals, exchange, q, expected):
    assert sorted(await found(exchange, q=q)) == expected


async def test_latin_letters_match_whatever_their_case(goals, exchange):
    """ "dx" and "DX" find the same goal on every database (SQLite's LIKE ignores ASCII case, PostgreSQL's does not)."""
    assert await found(exchange, q="DX") == ["d"]
    assert await found(exchange, q="dx") == ["d"]
    assert await found(exchange, q="a/b") == ["d"]


async def test_empty_query_lists_everything_newest_first_and_never_the_withdrawn(goals, exchange):
    result = await exchange.search(q="")
    assert [item["goal_ref"] for item in result["items"]] == [goals[name] for name in "abcde"]
    assert result["total"] == 5
    assert [item["set_on"] for item in result["items"]] == sorted(
        (item["set_on"] for item in result["items"]), reverse=True
    )
    assert "ref-withdrawn" not in await exchange.refs()


async def test_an_undated_goal_is_listed_after_the_dated_ones_on_every_database(goals, store, exchange):
    await store.ingest([store.incoming("ref-undated", set_on=None, text="設定日のない目標")])
    assert await found(exchange) == ["a", "b", "c", "d", "e", "undated"]


async def test_labels_come_with_every_item(goals, exchange):
    [item] = (await exchange.search(q="地酒"))["items"]
    assert item["category_label"] == "新商品・サービス開発"
    assert item["status_label"] == "支援中"
    assert item["jsic_major_label"] == "製造業" and item["jsic_middle_label"] == "飲料・たばこ・飼料製造業"
    [achieved] = (await exchange.search(q="販路"))["items"]
    assert achieved["status_label"] == "達成" and achieved["achieved_on"] == "2026-09-30"


async def test_pages_cover_everything_once_in_a_stable_order(store, exchange):
    base = dt.date(2026, 1, 1)
    summaries = [store.incoming(f"p{number:02d}", set_on=base + dt.timedelta(days=number)) for number in range(23)]
    # Ties on set_on and updated_at, one of them across two organizations with the same goal_ref.
    summaries += [store.incoming(f"tie{number}", set_on=dt.date(2026, 3, 1)) for number in range(4)]
    summaries.append(store.incoming("tie0", org_id="nanao-cci", set_on=dt.date(2026, 3, 1)))
    await store.ingest(summaries)

    everything = (await exchange.search(limit=100))["items"]
    assert len(everything) == 28
    keys = [(item["org_id"], item["goal_ref"]) for item in everything]
    assert len(set(keys)) == 28
    assert [item["set_on"] for item in everything] == sorted((item["set_on"] for item in everything), reverse=True)

    pages = []
    for offset in range(0, 30, 10):
        page = await exchange.search(limit=10, offset=offset)
        assert page["total"] == 28
        pages.extend((item["org_id"], item["goal_ref"]) for item in page["items"])
    assert pages == keys
    assert [len((await exchange.search(limit=limit))["items"]) for limit in (1, 7, 100)] == [1, 7, 28]
    beyond = await exchange.search(limit=10, offset=1_000)
    assert beyond == {"items": [], "total": 28}
    # The same request twice answers the same page.
    assert await exchange.search(limit=5, offset=5) == await exchange.search(limit=5, offset=5)


async def test_total_counts_matches_not_the_page(goals, exchange):
    for limit in (1, 2, 100):
        result = await exchange.search(category="new_product", limit=limit)
        assert result["total"] == 2 and len(result["items"]) == min(limit, 2)


@pytest.mark.parametrize(
    "q",
    [
        pytest.param("%_\\'\";--", id="symbols"),
        pytest.param("' OR 1=1; DROP TABLE shared_goal; --", id="sql"),
        pytest.param('" OR ""="', id="sql-double-quotes"),
        pytest.param("%", id="percent"),
        pytest.param("_", id="underscore"),
        pytest.param("\\", id="backslash"),
        pytest.param("/", id="slash"),
        pytest.param("%%%% ____", id="wildcards"),
        pytest.param("a" * 10_000, id="10000-characters"),
        pytest.param("キャンプ" + " " * 9_990 + "サウナ", id="10000-characters-two-words"),
        pytest.param("q " * 5_000, id="5000-words"),
        pytest.param("😀🏕️ 𠮷野家", id="emoji-and-astral"),
        pytest.param("\u202e\u200b\ufeff", id="invisible-characters"),
    ],
)
async def test_absurd_queries_answer_sensibly(goals, store, exchange, q):
    response = await exchange.get(SEARCH, q=q)
    assert response.status_code == 200, response.text
    result = response.json()
    expected = {
        "%": ["b"],
        "/": ["d"],
        "_": ["e"],
        "キャンプ" + " " * 9_990 + "サウナ": ["a"],
    }.get(q, [])
    assert [item["goal_ref"].removeprefix("ref-") for item in result["items"]] == expected
    assert result["total"] == len(expected)
    assert await store.table_exists()
    assert (await exchange.search())["total"] == 5


@pytest.mark.parametrize("q", ["\x00", "\x00サウナ", "サウナ \x00"], ids=["nul", "nul-then-word", "word-and-nul"])
async def test_nul_in_the_query_is_neither_a_wildcard_nor_a_server_error(goals, exchange, q):
    """No goal text holds U+0000: the answer is no hits, or a 422 naming q — never everything, never a 500."""
    response = await exchange.get(SEARCH, q=q)
    if response.status_code == 422:
        assert any(error["loc"][-1] == "q" for error in response.json()["detail"])
        return
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "total": 0}


async def test_sql_in_the_query_leaves_the_table_alone(goals, store, exchange):
    result = await exchange.search(q="' OR 1=1; DROP TABLE shared_goal; --")
    assert result == {"items": [], "total": 0}
    assert await store.table_exists()
    assert len(await store.rows()) == 6


async def test_percent_in_a_word_is_matched_literally(goals, exchange):
    assert await found(exchange, q="20%") == ["b"]
    assert await found(exchange, q="2%") == []  # as a wildcard it would match "20%"
    assert await found(exchange, q="採用_定着") == ["e"]
    assert await found(exchange, q="採%着") == []
    assert await found(exchange, q="採_着") == []


async def test_query_over_the_limit_is_refused_naming_q(exchange):
    response = await exchange.get(SEARCH, q="a" * 10_001)
    assert response.status_code == 422
    assert any(error["loc"][-1] == "q" for error in response.json()["detail"])


async def test_malformed_percent_encoding_is_not_a_server_error(goals, exchange):
    for raw in ("q=%FF", "q=%", "q=%E3%81", "limit=%00", "q=%00%00"):
        response = await exchange.get(f"{SEARCH}?{raw}")
        assert response.status_code in (200, 400, 422), f"{raw}: {response.status_code} {response.text}"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 1_000_001}, "offset"),
        ({"offset": "1.5"}, "offset"),
        ({"limit": 99999999999999999999999}, "limit"),
    ],
)
async def test_bad_paging_is_refused_with_the_field_named(exchange, params, field):
    response = await exchange.get(SEARCH, **params)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert [error["loc"] for error in errors] == [["query", field]]
    assert errors[0]["msg"]


async def test_edges_of_paging_are_accepted(goals, exchange):
    assert len((await exchange.search(limit=1))["items"]) == 1
    assert len((await exchange.search(limit=100))["items"]) == 5
    assert (await exchange.search(offset=1_000_000))["items"] == []


async def grpc_search(exchange, **fields) -> exchange_pb2.SearchGoalsResponse:
    async with grpc.aio.insecure_channel(exchange.grpc_target) as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        return await stub.SearchGoals(
            exchange_pb2.SearchGoalsRequest(**fields), timeout=30, metadata=exchange.grpc_metadata
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "サウナ キャンプ"},
        {"category": "new_product"},
        {"q": "新", "jsic_major": "E", "status": "in_progress"},
        {"limit": 2, "offset": 1},
        {"q": "%"},
        {"q": "存在しない言葉"},
    ],
)
async def test_grpc_answers_what_rest_answers(goals, exchange, params):
    rest = await exchange.search(**params)
    reply = await grpc_search(exchange, **params)
    assert reply.total == rest["total"]
    assert len(reply.items) == len(rest["items"])
    for proto, item in zip(reply.items, rest["items"], strict=True):
        assert proto.updated_at.ToDatetime(tzinfo=dt.UTC) == dt.datetime.fromisoformat(item["updated_at"])
        for name, value in item.items():
            if name == "updated_at":
                continue
            if name == "highlights":
                assert [{"start": h.start, "end": h.end, "text": h.text} for h in proto.highlights] == value
            elif name == "matched_terms":
                assert list(proto.matched_terms) == value
            else:
                assert getattr(proto, name) == ("" if value is None else value), name


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"limit": 1000}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": -5}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "あ" * 10_001}, "q"),
    ],
)
async def test_grpc_refuses_bad_input_with_invalid_argument(exchange, fields, field):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await grpc_search(exchange, **fields)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (refused.value.details() or "").startswith(f"{field}:"), refused.value.details()


async def test_grpc_limit_zero_means_the_default_page(store, exchange):
    """proto3 cannot tell 0 from unset: 0 over gRPC is the default page of 20, not an error."""
    await store.ingest([store.incoming(f"g{number:02d}") for number in range(25)])
    reply = await grpc_search(exchange, limit=0)
    assert reply.total == 25 and len(reply.items) == 20


@pytest.mark.parametrize(
    "q",
    [
        pytest.param("あ" * 10_000, id="10000-characters"),
        pytest.param("' OR 1=1; DROP TABLE shared_goal; --", id="sql"),
        pytest.param("%_\\", id="wildcards"),
    ],
)
async def test_grpc_absurd_queries_answer_sensibly(goals, store, exchange, q):
    reply = await grpc_search(exchange, q=q)
    assert reply.total == 0 and list(reply.items) == []
    assert await store.table_exists()


async def test_grpc_nul_in_the_query_is_neither_a_wildcard_nor_an_internal_error(goals, exchange):
    try:
        reply = await grpc_search(exchange, q="\x00")
    except grpc.aio.AioRpcError as refused:
        assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.details()
        assert (refused.details() or "").startswith("q:")
    else:
        assert reply.total == 0 and list(reply.items) == []
