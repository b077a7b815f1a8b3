"""Posting, targeting, the publication window, permissions, validation, search and the audit log, over REST."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from banso_core.tokens import TokenIssuer

pytestmark = pytest.mark.postgres


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The elements a browser would build from `html`, with their attributes."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def test_a_society_advisor_does_not_see_a_notice_for_chambers_of_commerce_only(notices):
    people = notices.people
    notice = await notices.post(
        people.prefecture, **notices.official_notice(title="商工会議所向け 説明会", audience={"org_kinds": ["cci"]})
    )

    assert await notices.listed_titles(people.kanazawa_advisor) == ["商工会議所向け 説明会"]
    assert await notices.listed_titles(people.nanao_advisor) == ["商工会議所向け 説明会"]
    assert await notices.listed_titles(people.hakui_advisor) == []
    assert await notices.listed_titles(people.shokoren_advisor) == []
    hidden = await notices.call(people.hakui_advisor, "GET", f"/api/v1/notices/{notice['id']}")
    assert hidden.status_code == 404
    assert (await notices.call(people.hakui_advisor, "POST", f"/api/v1/notices/{notice['id']}/read")).status_code == 404


async def test_audience_by_organization_kind_or_id_and_by_role(notices):
    people = notices.people
    await notices.post(people.prefecture, **notices.official_notice(title="全員へ"))
    await notices.post(
        people.prefecture,
        **notices.official_notice(
            title="商工会と金沢へ", audience={"org_kinds": ["society"], "org_ids": ["kanazawa-cci"]}
        ),
    )
    await notices.post(
        people.prefecture,
        **notices.official_notice(
            title="七尾の経営指導員へ", audience={"org_ids": ["nanao-cci"], "roles": ["advisor"]}
        ),
    )
    await notices.post(people.prefecture, **notices.official_notice(title="一般職員へ", audience={"roles": ["clerk"]}))

    assert set(await notices.listed_titles(people.kanazawa_advisor)) == {"全員へ", "商工会と金沢へ"}
    assert set(await notices.listed_titles(people.kanazawa_clerk)) == {"全員へ", "商工会と金沢へ", "一般職員へ"}
    assert set(await notices.listed_titles(people.hakui_advisor)) == {"全員へ", "商工会と金沢へ"}
    assert set(await notices.listed_titles(people.nanao_advisor)) == {"全員へ", "七尾の経営指導員へ"}
    assert set(await notices.listed_titles(people.nanao_clerk)) == {"全員へ", "一般職員へ"}
    assert set(await notices.listed_titles(people.shokoren_advisor)) == {"全員へ"}
    audience = (await notices.listed(people.nanao_advisor, q="七尾"))[0]["audience"]
    assert audience == {"org_kinds": [], "org_ids": ["nanao-cci"], "roles": ["advisor"]}


async def test_staff_see_a_notice_only_between_publish_at_and_expires_at(notices):
    people = notices.people
    scheduled = await notices.post(
        people.prefecture, **notices.official_notice(title="来週公開", publish_at=iso(now() + dt.timedelta(days=7)))
    )
    await notices.post(
        people.prefecture,
        **notices.official_notice(
            title="掲載終了",
            publish_at=iso(now() - dt.timedelta(days=10)),
            expires_at=iso(now() + dt.timedelta(seconds=1)),
        ),
    )
    await notices.post(people.prefecture, **notices.official_notice(title="掲載中"))

    assert scheduled["status"] == "scheduled"
    advisor_sees = await notices.listed_titles(people.kanazawa_advisor)
    assert "来週公開" not in advisor_sees and "掲載中" in advisor_sees
    hidden = await notices.call(people.kanazawa_advisor, "GET", f"/api/v1/notices/{scheduled['id']}")
    assert hidden.status_code == 404
    # The author, and the author's prefecture colleagues, see their scheduled notice.
    for colleague in (people.prefecture, people.prefecture_colleague):
        assert "来週公開" in await notices.listed_titles(colleague)
    # A post's author sees their own scheduled post; nobody else does.
    await notices.post(
        people.hakui_advisor, **notices.staff_post(title="予約投稿", publish_at=iso(now() + dt.timedelta(hours=1)))
    )
    assert "予約投稿" in await notices.listed_titles(people.hakui_advisor)
    assert "予約投稿" not in await notices.listed_titles(people.kanazawa_advisor)

    async def expired() -> bool:
        return "掲載終了" not in await notices.listed_titles(people.kanazawa_advisor)

    from banso_core.testing.servers import eventually

    await eventually(expired, timeout=5, what="the notice to expire")
    statuses = {item["title"]: item["status"] for item in await notices.listed(people.prefecture)}
    assert statuses == {"来週公開": "scheduled", "掲載終了": "expired", "掲載中": "published"}


async def test_pinned_notices_come_first_then_the_newest(notices):
    people = notices.people
    await notices.post(
        people.prefecture,
        **notices.official_notice(title="古い固定", pinned=True, publish_at=iso(now() - dt.timedelta(days=3))),
    )
    await notices.post(
        people.prefecture, **notices.official_notice(title="昨日", publish_at=iso(now() - dt.timedelta(days=1)))
    )
    await notices.post(people.kanazawa_advisor, **notices.staff_post(title="今日の投稿"))

    assert await notices.listed_titles(people.nanao_advisor) == ["古い固定", "今日の投稿", "昨日"]
    listed = await notices.listed(people.nanao_advisor)
    assert [item["kind_label"] for item in listed] == ["県からのお知らせ", "投稿", "県からのお知らせ"]
    assert listed[0]["category_label"] == "補助金・融資"


async def test_only_prefecture_staff_post_official_notices_and_read_only_staff_post_nothing(notices):
    people = notices.people
    refused = await notices.call(people.kanazawa_advisor, "POST", "/api/v1/notices", json=notices.official_notice())
    assert refused.status_code == 403
    post = await notices.post(people.kanazawa_advisor, **notices.staff_post())
    assert (post["kind"], post["author_org_id"], post["author_org_name"]) == ("post", "kanazawa-cci", "kanazawa-cci")
    read_only = await notices.call(people.kanazawa_readonly, "POST", "/api/v1/notices", json=notices.staff_post())
    assert read_only.status_code == 403
    assert await notices.listed_titles(people.prefecture) == [post["title"]]


async def test_without_a_valid_token_of_a_member_organization_every_call_is_401(notices):
    people = notices.people
    assert (await notices.call(None, "GET", "/api/v1/notices")).status_code == 401
    assert (await notices.call(None, "POST", "/api/v1/notices", json=notices.staff_post())).status_code == 401
    assert (await notices.call(None, "GET", "/api/v1/notices/1/receipts")).status_code == 401
    stranger = TokenIssuer("kanazawa-cci", Ed25519PrivateKey.generate(), dt.timedelta(minutes=5)).issue(
        7, "advisor", "偽"
    )
    forged = await notices.http.get("/api/v1/notices", headers={"Authorization": f"Bearer {stranger}"})
    assert forged.status_code == 401
    expired = notices.registry.token("kanazawa-cci", 7, ttl_minutes=-1)
    late = await notices.http.get("/api/v1/notices", headers={"Authorization": f"Bearer {expired}"})
    assert late.status_code == 401
    assert (await notices.call(people.kanazawa_advisor, "GET", "/api/v1/notices")).status_code == 200


async def test_only_the_author_edits_a_notice(notices):
    people = notices.people
    notice = await notices.post(people.prefecture, **notices.official_notice())
    path = f"/api/v1/notices/{notice['id']}"

    edited = await notices.call(people.prefecture, "PATCH", path, json={"title": "【訂正】公募開始", "version": 1})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["version"]) == ("【訂正】公募開始", 2)
    assert edited.json()["body"] == notice["body"]
    assert (await notices.call(people.prefecture, "PATCH", path, json={"title": "x", "version": 1})).status_code == 409
    assert (await notices.call(people.prefecture_colleague, "PATCH", path, json={"title": "x"})).status_code == 403
    assert (await notices.call(people.kanazawa_advisor, "PATCH", path, json={"title": "x"})).status_code == 403
    post = await notices.post(people.kanazawa_advisor, **notices.staff_post())
    moderator_edit = await notices.call(
        people.prefecture, "PATCH", f"/api/v1/notices/{post['id']}", json={"title": "x"}
    )
    assert moderator_edit.status_code == 403
    kind_change = await notices.call(people.prefecture, "PATCH", path, json={"kind": "post"})
    notices.assert_invalid(kind_change, "kind")
    assert (await notices.call(people.kanazawa_advisor, "GET", path)).json()["title"] == "【訂正】公募開始"


async def test_the_author_deletes_and_prefecture_staff_moderate(notices):
    people = notices.people
    own = await notices.post(people.kanazawa_advisor, **notices.staff_post(title="自分で消す"))
    moderated = await notices.post(people.kanazawa_advisor, **notices.staff_post(title="県が消す"))
    kept = await notices.post(people.kanazawa_advisor, **notices.staff_post(title="残る"))

    assert (await notices.call(people.nanao_advisor, "DELETE", f"/api/v1/notices/{kept['id']}")).status_code == 403
    assert (await notices.call(people.kanazawa_advisor, "DELETE", f"/api/v1/notices/{own['id']}")).status_code == 204
    assert (await notices.call(people.prefecture, "DELETE", f"/api/v1/notices/{moderated['id']}")).status_code == 204
    assert (await notices.call(people.prefecture, "DELETE", f"/api/v1/notices/{moderated['id']}")).status_code == 404

    for person in (people.kanazawa_advisor, people.nanao_advisor, people.prefecture):
        assert await notices.listed_titles(person) == ["残る"]
    assert (await notices.call(people.kanazawa_advisor, "GET", f"/api/v1/notices/{own['id']}")).status_code == 404
    audit = (await notices.call(people.prefecture, "GET", "/api/v1/audit")).json()
    actions = [(entry["action"], entry["notice_id"], entry["org_id"], entry["staff_id"]) for entry in audit["items"]]
    assert actions[:2] == [
        ("moderate", moderated["id"], "ishikawa-pref", 1),
        ("delete", own["id"], "kanazawa-cci", 7),
    ]
    assert audit["items"][0]["action_label"] == "削除（モデレーション）"


async def test_every_change_is_audited_with_who_and_when(notices):
    people = notices.people
    before = now()
    notice = await notices.post(people.prefecture, **notices.official_notice())
    await notices.call(people.prefecture, "PATCH", f"/api/v1/notices/{notice['id']}", json={"pinned": True})
    comment = await notices.call(
        people.kanazawa_advisor, "POST", f"/api/v1/notices/{notice['id']}/comments", json={"body": "承知しました"}
    )
    await notices.call(people.prefecture, "POST", f"/api/v1/notices/{notice['id']}/remind")

    audit = await notices.call(people.prefecture, "GET", "/api/v1/audit", params={"notice_id": notice["id"]})
    entries = audit.json()["items"]
    assert [(e["action"], e["org_id"], e["staff_id"], e["comment_id"]) for e in reversed(entries)] == [
        ("create", "ishikawa-pref", 1, None),
        ("update", "ishikawa-pref", 1, None),
        ("create", "kanazawa-cci", 7, comment.json()["id"]),
        ("remind", "ishikawa-pref", 1, None),
    ]
    assert entries[2]["detail"] == "changed: pinned"
    assert all(dt.datetime.fromisoformat(entry["at"]) >= before for entry in entries)
    assert (await notices.call(people.kanazawa_advisor, "GET", "/api/v1/audit")).status_code == 403


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {"publish_at": "2026-07-01T09:00:00+09:00", "expires_at": "2026-06-30T09:00:00+09:00"},
            "expires_at",
        ),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"title": "件" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"body": "本" * 20_001}, "body"),
        ({"body": "NUL\x00"}, "body"),
        ({"category": "lottery"}, "category"),
        ({"category": None}, "category"),
        ({"kind": "memo"}, "kind"),
        ({"audience": {"org_kinds": ["bank"]}}, "audience.org_kinds"),
        ({"audience": {"org_ids": ["nowhere-cci"]}}, "audience.org_ids"),
        ({"audience": {"roles": ["mayor"]}}, "audience.roles"),
        ({"audience": {"everyone": True}}, "audience.everyone"),
        ({"attachments": [{"title": "要領", "url": "javascript:alert(1)"}]}, "attachments.0.url"),
        ({"attachments": [{"title": "要領", "url": "ftp://example.jp/a.pdf"}]}, "attachments.0.url"),
        ({"attachments": [{"title": "", "url": "https://example.jp/a.pdf"}]}, "attachments.0.title"),
        ({"attachments": [{"title": "要領", "url": "https://example.jp/a.pdf"}] * 11}, "attachments"),
        ({"publish_at": "next tuesday"}, "publish_at"),
        ({"publish_at": "0001-01-01T00:00:00+09:00"}, "publish_at"),
        ({"unknown": 1}, "unknown"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_stores_nothing(notices, fields: dict[str, Any], field):
    response = await notices.call(
        notices.people.prefecture, "POST", "/api/v1/notices", json=notices.official_notice(**fields)
    )
    notices.assert_invalid(response, field)
    assert await notices.listed(notices.people.prefecture) == []


async def test_a_post_is_not_pinned_and_a_patch_is_validated_as_a_whole(notices):
    people = notices.people
    pinned_post = await notices.call(
        people.kanazawa_advisor, "POST", "/api/v1/notices", json=notices.staff_post(pinned=True)
    )
    notices.assert_invalid(pinned_post, "pinned")
    notice = await notices.post(
        people.prefecture,
        **notices.official_notice(publish_at="2026-04-01T00:00:00Z", expires_at="2099-01-01T00:00:00Z"),
    )
    backwards = await notices.call(
        people.prefecture, "PATCH", f"/api/v1/notices/{notice['id']}", json={"expires_at": "2026-03-01T00:00:00Z"}
    )
    notices.assert_invalid(backwards, "expires_at")
    huge_id = await notices.call(people.prefecture, "GET", f"/api/v1/notices/{2**70}")
    assert huge_id.status_code == 422


async def test_markdown_with_script_tags_is_rendered_harmless(notices):
    body = (
        "# 注意\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[罠](javascript:alert(1)) [公式](https://www.pref.ishikawa.lg.jp/) <a href='x' onclick='steal()'>a</a>"
    )
    created = await notices.post(notices.people.kanazawa_advisor, **notices.staff_post(body=body))
    html = created["body_html"]
    tags = elements(html)
    assert {tag for tag, _ in tags} <= {"h1", "p", "a"}
    assert not [name for _, attributes in tags for name in attributes if name.startswith("on")]
    assert [attributes["href"] for tag, attributes in tags if tag == "a"] == ["https://www.pref.ishikawa.lg.jp/"]
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html  # shown as text, never run
    assert '<a href="https://www.pref.ishikawa.lg.jp/" rel="noopener noreferrer nofollow">公式</a>' in html
    assert "<h1>注意</h1>" in html
    assert created["body"] == body


async def test_search_understands_japanese_like_the_exchange(notices):
    people = notices.people
    await notices.post(
        people.prefecture,
        **notices.official_notice(
            title="ホームページ制作に使える補助金", body="ＥＣサイト構築も対象です。", category="subsidy_loan"
        ),
    )
    await notices.post(
        people.nanao_advisor, **notices.staff_post(title="ｷｬﾝﾌﾟ場の事例", body="事業承継の相談会を開きます")
    )
    seen = people.kanazawa_advisor
    assert await notices.listed_titles(seen, q="ウェブサイト") == ["ホームページ制作に使える補助金"]  # synonym group
    assert await notices.listed_titles(seen, q="ネット通販") == ["ホームページ制作に使える補助金"]  # curated: EC
    assert await notices.listed_titles(seen, q="キャンプ場") == ["ｷｬﾝﾌﾟ場の事例"]  # 表記ゆれ (width)
    assert await notices.listed_titles(seen, q="後継者") == ["ｷｬﾝﾌﾟ場の事例"]  # curated: 事業承継
    assert await notices.listed_titles(seen, q="補助") == ["ホームページ制作に使える補助金"]  # as a string
    assert await notices.listed_titles(seen, q="サウナ") == []


async def test_search_over_title_and_body_with_filters_and_pages(notices):
    people = notices.people
    for index in range(5):
        await notices.post(
            people.prefecture, **notices.official_notice(title=f"セミナー案内 第{index + 1}回", category="seminar")
        )
    await notices.post(
        people.prefecture,
        **notices.official_notice(
            title="能登の復旧支援", body="なりわい再建支援補助金の説明会", category="disaster_support"
        ),
    )
    await notices.post(people.nanao_advisor, **notices.staff_post(title="質問", body="なりわい再建の申請で 100% 補助?"))

    assert set(await notices.listed_titles(people.kanazawa_advisor, q="なりわい 再建")) == {"能登の復旧支援", "質問"}
    assert await notices.listed_titles(people.kanazawa_advisor, q="なりわい", kind="official") == ["能登の復旧支援"]
    assert await notices.listed_titles(people.kanazawa_advisor, q="100%") == ["質問"]
    assert await notices.listed_titles(people.kanazawa_advisor, q="_") == []
    page = await notices.call(
        people.kanazawa_advisor, "GET", "/api/v1/notices", params={"category": "seminar", "limit": 2, "offset": 2}
    )
    assert page.json()["total"] == 5
    assert [item["title"] for item in page.json()["items"]] == ["セミナー案内 第3回", "セミナー案内 第2回"]
    notices.assert_invalid(
        await notices.call(people.kanazawa_advisor, "GET", "/api/v1/notices", params={"limit": 101}), "query.limit"
    )
    notices.assert_invalid(
        await notices.call(people.kanazawa_advisor, "GET", "/api/v1/notices", params={"category": "x"}),
        "query.category",
    )


async def test_prefecture_staff_list_everything_for_moderation(notices):
    people = notices.people
    await notices.post(
        people.hakui_advisor, **notices.staff_post(title="商工会だけの話", audience={"org_kinds": ["society"]})
    )

    assert await notices.listed_titles(people.prefecture) == []
    assert await notices.listed_titles(people.prefecture, moderation="true") == ["商工会だけの話"]
    refused = await notices.call(people.kanazawa_advisor, "GET", "/api/v1/notices", params={"moderation": "true"})
    assert refused.status_code == 403
