"""Japanese search: 表記ゆれ, synonyms (Sudachi's groups and the curated table), paraphrase, typos, filters,
highlighting, "similar goals", and who may call (staff tokens of member organizations)."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest

from banso.exchange.v1 import exchange_pb2, exchange_pb2_grpc
from banso_core.testing.auth import TestRegistry

pytestmark = pytest.mark.postgres

SEARCH = "/api/v1/goals/search"
KANAZAWA, NANAO, SHOKOREN = "kanazawa-cci", "nanao-cci", "ishikawa-shokoren"

# name: (org, fields). Dates newest first by name order where it matters.
GOALS = {
    "sauna": (KANAZAWA, {"text": "サウナ棟付のキャンプ場新設", "category": "new_product", "jsic_major": "M",
                         "jsic_middle": "75", "set_on": dt.date(2026, 5, 1)}),
    "website": (NANAO, {"text": "ウェブサイトを全面的に刷新して予約を増やす", "category": "digital", "jsic_major": "M",
                        "jsic_middle": "75", "set_on": dt.date(2026, 4, 20)}),
    "netshop": (SHOKOREN, {"text": "ネット通販で県外の新規顧客を獲得する", "category": "sales_channel",
                           "jsic_major": "E", "jsic_middle": "09", "set_on": dt.date(2026, 4, 10),
                           "business_form": "sole_proprietor", "employee_band": "0-5"}),
    "successor": (NANAO, {"text": "後継者への経営の引継ぎを計画的に進める", "category": "succession",
                          "jsic_major": "I", "jsic_middle": "58", "set_on": dt.date(2026, 3, 1),
                          "employee_band": "0-20", "business_form": ""}),
    "meeting": (KANAZAWA, {"text": "取引先との打ち合せをオンライン化する", "category": "digital", "jsic_major": "E",
                           "jsic_middle": "10", "set_on": dt.date(2026, 2, 1)}),
    "halfwidth": (NANAO, {"text": "ｷｬﾝﾌﾟ用品のレンタル事業を始める", "category": "new_business",
                          "jsic_major": "K", "jsic_middle": "70", "set_on": dt.date(2026, 1, 15)}),
    "onsen": (SHOKOREN, {"text": "温泉旅館の客室改装とインバウンド対応", "category": "capex", "jsic_major": "M",
                         "jsic_middle": "75", "set_on": dt.date(2025, 12, 1), "status": "achieved"}),
    "sake": (KANAZAWA, {"text": "地酒の新商品開発と酒蔵見学ツアー", "category": "new_product", "jsic_major": "E",
                        "jsic_middle": "10", "set_on": dt.date(2025, 11, 1)}),
}  # fmt: skip


@pytest.fixture
async def goals(store, exchange):
    await store.ingest([store.incoming(f"ref-{name}", org_id=org, **fields) for name, (org, fields) in GOALS.items()])
    return {name: (org, f"ref-{name}") for name, (org, _) in GOALS.items()}


async def names(exchange, **params) -> list[str]:
    result = await exchange.search(**{"limit": 100} | params)
    return [item["goal_ref"].removeprefix("ref-") for item in result["items"]]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        pytest.param("サウナを作りたい", "sauna", id="paraphrase-sauna"),
        pytest.param("ホームページ", "website", id="homepage-website-sudachi-synonym"),
        pytest.param("HP", "website", id="hp-website-curated"),
        pytest.param("EC", "netshop", id="ec-net-shop-curated"),
        pytest.param("オンラインショップ", "netshop", id="online-shop-curated"),
        pytest.param("事業承継", "successor", id="succession-successor"),
        pytest.param("跡継ぎ", "successor", id="atotsugi-successor"),
        pytest.param("打ち合わせ", "meeting", id="uchiawase-okurigana"),
        pytest.param("キャンプ用品", "halfwidth", id="halfwidth-katakana-found-by-fullwidth"),
        pytest.param("ｻｳﾅ", "sauna", id="halfwidth-query"),
        pytest.param("キャンプ場", "sauna", id="long-unit"),
        pytest.param("旅館 外国人観光客", "onsen", id="two-words-one-by-synonym"),
        pytest.param("日本酒", "sake", id="sake-curated"),
        pytest.param("サウナ棟付きのキャンプ場", "sauna", id="okurigana-phrase"),
    ],
)
async def test_paraphrase_and_spelling_variants_find_the_goal(goals, exchange, q, first):
    found = await names(exchange, q=q)
    assert found and found[0] == first, found


async def test_a_typo_falls_back_to_bigrams(goals, exchange):
    """キャンブ場 (ブ for プ) is no word; no goal holds all its bigrams, so any bigram counts: the camping goals."""
    assert set((await names(exchange, q="キャンブ場"))[:2]) == {"sauna", "halfwidth"}


async def test_two_character_words_are_found(goals, exchange):
    """What pg_trgm and SQLite's trigram tokenizer miss: 温泉, 地酒, 承継."""
    assert await names(exchange, q="温泉") == ["onsen"]
    assert await names(exchange, q="地酒") == ["sake"]
    assert "successor" in await names(exchange, q="承継")


async def test_exact_words_rank_above_synonyms(goals, store, exchange):
    await store.ingest([store.incoming("ref-homepage", org_id=KANAZAWA, text="ホームページの多言語化", set_on=None)])
    assert (await names(exchange, q="ホームページ"))[:2] == ["homepage", "website"]


async def test_a_query_naming_the_category_ranks_its_goals_higher(goals, exchange):
    """事業承継 is the label of the succession category: its goal is first, whatever words it uses."""
    assert (await names(exchange, q="事業承継"))[0] == "successor"


async def test_matched_words_are_highlighted_where_they_are(goals, exchange):
    [item] = (await exchange.search(q="ホームページ"))["items"]
    assert item["matched_terms"] == ["ウェブサイト"]
    [span] = item["highlights"]
    assert item["text"][span["start"] : span["end"]] == "ウェブサイト" == span["text"]
    [sauna] = (await exchange.search(q="サウナ キャンプ場"))["items"][:1]
    assert sauna["matched_terms"] == ["サウナ", "キャンプ場"]
    assert sauna["score"] > 0


async def test_an_empty_query_lists_by_the_filters_newest_first(goals, exchange):
    everything = await exchange.search(limit=100)
    assert [item["goal_ref"] for item in everything["items"]] == [f"ref-{name}" for name in GOALS]
    assert all(item["score"] == 0 and item["highlights"] == [] for item in everything["items"])
    assert await names(exchange, q="   ", category="digital") == ["website", "meeting"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"jsic_middle": "75"}, ["sauna", "website", "onsen"]),
        ({"jsic_middle": "10", "jsic_major": "E"}, ["meeting", "sake"]),
        ({"business_form": "sole_proprietor"}, ["netshop"]),
        ({"employee_band": "0-5"}, ["netshop"]),
        ({"employee_band": "0-20"}, ["successor"]),  # a band widened by k-anonymity matches only itself
        ({"employee_band": "6-20"}, ["sauna", "website", "meeting", "halfwidth", "onsen", "sake"]),
        ({"org": NANAO}, ["website", "successor", "halfwidth"]),
        ({"org_kind": "federation"}, ["netshop", "onsen"]),
        ({"org_kind": "cci", "category": "new_product"}, ["sauna", "sake"]),
        ({"org_kind": "society"}, []),
        ({"set_from": "2026-03-01", "set_to": "2026-04-20"}, ["website", "netshop", "successor"]),
        ({"set_from": "2026-04-11"}, ["sauna", "website"]),
        ({"set_to": "2025-10-31"}, []),
        ({"status": "achieved"}, ["onsen"]),
        ({"q": "サウナ", "org": NANAO}, []),
        ({"q": "デジタル化", "category": "digital", "org_kind": "cci"}, ["meeting", "website"]),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None,
)
async def test_every_filter_alone_and_with_others(goals, exchange, params, expected):
    found = await names(exchange, **params)
    if params.get("q"):
        assert sorted(found) == sorted(expected)
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"set_from": "2026-05-01", "set_to": "2026-04-01"}, "set_to"),
        ({"set_from": "yesterday"}, "set_from"),
        ({"set_to": "2026-02-30"}, "set_to"),
        ({"category": "x" * 41}, "category"),
        ({"org": "a\x00b"}, "org"),
    ],
)
async def test_bad_filters_are_refused_naming_the_field(exchange, params, field):
    response = await exchange.get(SEARCH, **params)
    assert response.status_code == 422, response.text
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


async def test_pages_of_a_ranked_search_cover_every_hit_once(store, exchange):
    await store.ingest(
        [
            store.incoming(f"p{number:02d}", text=f"販路開拓{'と販路' * (number % 3)} 第{number}弾")
            for number in range(25)
        ]
    )
    everything = [item["goal_ref"] for item in (await exchange.search(q="販路", limit=100))["items"]]
    assert len(everything) == 25
    pages = []
    for offset in range(0, 25, 10):
        page = await exchange.search(q="販路", limit=10, offset=offset)
        assert page["total"] == 25
        pages += [item["goal_ref"] for item in page["items"]]
    assert pages == everything


async def similar(exchange, org_id: str, goal_ref: str, **params) -> dict:
    response = await exchange.get(f"/api/v1/goals/{org_id}/{goal_ref}/similar", **params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_similar_goals_come_from_other_organizations_with_reasons(goals, store, exchange):
    await store.ingest(
        [
            store.incoming("ref-own", org_id=KANAZAWA, text="サウナ付きキャンプ場の拡張", category="new_product"),
            store.incoming(
                "ref-glamping", org_id=NANAO, text="グランピング施設にサウナを新設", category="new_product",
                jsic_major="M", jsic_middle="75",
            ),
        ]
    )  # fmt: skip
    result = await similar(exchange, KANAZAWA, "ref-sauna")
    refs = [item["goal_ref"] for item in result["items"]]
    assert refs[0] == "ref-glamping"
    assert all(item["org_id"] != KANAZAWA for item in result["items"])
    assert "ref-own" not in refs and "ref-sauna" not in refs
    top = result["items"][0]
    assert top["same_category"] and top["same_industry"]
    assert "サウナ" in top["matched_terms"] and "新設" in top["matched_terms"]
    assert result["total"] >= len(refs)


async def test_similar_of_an_unknown_or_withdrawn_goal_is_404(goals, store, exchange):
    for org, ref in ((KANAZAWA, "no-such-ref"), (NANAO, "ref-sauna")):
        response = await exchange.get(f"/api/v1/goals/{org}/{ref}/similar")
        assert response.status_code == 404, response.text
    await store.ingest([store.incoming("ref-sauna", org_id=KANAZAWA, version=2, withdrawn=True)])
    assert (await exchange.get(f"/api/v1/goals/{KANAZAWA}/ref-sauna/similar")).status_code == 404


async def test_similar_refuses_bad_paging_naming_the_field(goals, exchange):
    response = await exchange.get(f"/api/v1/goals/{KANAZAWA}/ref-sauna/similar", limit=0)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


async def stub_call(exchange, method: str, request, metadata=None):
    async with grpc.aio.insecure_channel(exchange.grpc_target) as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        return await getattr(stub, method)(
            request, timeout=30, metadata=exchange.grpc_metadata if metadata is None else metadata
        )


async def test_grpc_similar_answers_what_rest_answers(goals, exchange):
    rest = await similar(exchange, NANAO, "ref-website")
    reply = await stub_call(
        exchange, "FindSimilarGoals", exchange_pb2.FindSimilarGoalsRequest(org_id=NANAO, goal_ref="ref-website")
    )
    assert reply.total == rest["total"]
    assert [item.goal_ref for item in reply.items] == [item["goal_ref"] for item in rest["items"]]
    assert [item.same_category for item in reply.items] == [item["same_category"] for item in rest["items"]]
    assert [list(item.matched_terms) for item in reply.items] == [item["matched_terms"] for item in rest["items"]]


async def test_grpc_search_takes_every_filter(goals, exchange):
    reply = await stub_call(
        exchange,
        "SearchGoals",
        exchange_pb2.SearchGoalsRequest(q="ホームページ", org_kind="cci", set_from="2026-01-01", jsic_middle="75"),
    )
    assert [item.goal_ref for item in reply.items] == ["ref-website"]
    assert reply.items[0].highlights[0].text == "ウェブサイト"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (exchange_pb2.FindSimilarGoalsRequest(org_id=KANAZAWA, goal_ref="ref-sauna", limit=101), "limit"),
        (exchange_pb2.SearchGoalsRequest(set_from="2026-05-01", set_to="2026-01-01"), "set_to"),
    ],
)
async def test_grpc_refuses_bad_input_naming_the_field(goals, exchange, request_, field):
    method = "FindSimilarGoals" if isinstance(request_, exchange_pb2.FindSimilarGoalsRequest) else "SearchGoals"
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub_call(exchange, method, request_)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (refused.value.details() or "").startswith(f"{field}:")


async def test_grpc_similar_of_an_unknown_goal_is_not_found(goals, exchange):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub_call(exchange, "FindSimilarGoals", exchange_pb2.FindSimilarGoalsRequest(org_id=NANAO, goal_ref="x"))
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND


def stranger_token(tmp_path) -> str:
    """A well-formed token of an organization the exchange's registry does not list."""
    stranger = TestRegistry(tmp_path / "elsewhere.json")
    stranger.add("stranger-cci")
    return stranger.token("stranger-cci")


def bad_authorizations(registry: TestRegistry, tmp_path) -> dict[str, dict[str, str]]:
    forged = TestRegistry(tmp_path / "forged.json")
    forged.add(KANAZAWA)  # same organization id, another key
    return {
        "none": {},
        "not-bearer": {"Authorization": f"Basic {registry.token(KANAZAWA)}"},
        "garbage": {"Authorization": "Bearer not.a.token"},
        "unknown-organization": {"Authorization": f"Bearer {stranger_token(tmp_path)}"},
        "forged-signature": {"Authorization": f"Bearer {forged.token(KANAZAWA)}"},
        "expired": {"Authorization": f"Bearer {registry.token(KANAZAWA, ttl_minutes=-1)}"},
    }


@pytest.mark.parametrize(
    "path", [SEARCH, f"{SEARCH}?q=サウナ", f"/api/v1/goals/{KANAZAWA}/ref-sauna/similar"], ids=["list", "q", "similar"]
)
async def test_rest_refuses_calls_without_a_member_staff_token(goals, exchange, registry, tmp_path, path):
    for case, headers in bad_authorizations(registry, tmp_path).items():
        response = await exchange.get(path, headers=headers)
        assert response.status_code == 401, f"{case}: {response.status_code} {response.text}"
        assert response.headers["www-authenticate"] == "Bearer"
        assert "ref-" not in response.text
    assert (await exchange.get(path, headers=registry.headers(SHOKOREN))).status_code == 200


async def test_grpc_refuses_calls_without_a_member_staff_token(goals, exchange, registry, tmp_path):
    requests = {
        "SearchGoals": exchange_pb2.SearchGoalsRequest(q="サウナ"),
        "FindSimilarGoals": exchange_pb2.FindSimilarGoalsRequest(org_id=KANAZAWA, goal_ref="ref-sauna"),
    }
    for method, request in requests.items():
        for case, headers in bad_authorizations(registry, tmp_path).items():
            metadata = tuple((key.lower(), value) for key, value in headers.items())
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub_call(exchange, method, request, metadata=metadata)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, f"{method} {case}"
        reply = await stub_call(
            exchange, method, request, metadata=(("authorization", f"Bearer {registry.token(NANAO)}"),)
        )
        assert reply.total >= 1


async def test_an_exchange_without_a_registry_refuses_everyone(goals, start_exchange, registry):
    exchange = await start_exchange(federation_registry=None)
    response = await exchange.get(SEARCH)
    assert response.status_code == 401
