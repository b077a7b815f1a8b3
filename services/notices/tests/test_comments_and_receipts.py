"""Comments on notices and posts, read receipts per member of staff and per organization, and reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from banso_core.testing.servers import eventually

pytestmark = pytest.mark.postgres


async def test_staff_who_see_a_notice_comment_on_it_and_read_the_conversation(notices):
    people = notices.people
    notice = await notices.post(people.prefecture, **notices.official_notice(audience={"org_kinds": ["cci"]}))
    comments = f"/api/v1/notices/{notice['id']}/comments"

    first = await notices.call(people.kanazawa_advisor, "POST", comments, json={"body": "締切は**消印有効**ですか?"})
    assert first.status_code == 201, first.text
    assert first.json()["body_html"] == "<p>締切は<strong>消印有効</strong>ですか?</p>\n"
    answer = await notices.call(people.prefecture, "POST", comments, json={"body": "はい、消印有効です。"})
    assert answer.status_code == 201
    outsider = await notices.call(people.hakui_advisor, "POST", comments, json={"body": "見えないはず"})
    assert outsider.status_code == 404
    read_only = await notices.call(people.kanazawa_readonly, "POST", comments, json={"body": "閲覧のみ"})
    assert read_only.status_code == 403

    detail = (await notices.call(people.nanao_advisor, "GET", f"/api/v1/notices/{notice['id']}")).json()
    assert [(c["author_org_id"], c["body"]) for c in detail["comments"]] == [
        ("kanazawa-cci", "締切は**消印有効**ですか?"),
        ("ishikawa-pref", "はい、消印有効です。"),
    ]
    assert detail["comment_count"] == 2
    assert (await notices.listed(people.nanao_advisor))[0]["comment_count"] == 2
    listed = await notices.call(people.nanao_advisor, "GET", comments)
    assert [c["id"] for c in listed.json()] == [first.json()["id"], answer.json()["id"]]


async def test_comments_are_edited_by_their_author_and_deleted_by_the_author_or_prefecture(notices):
    people = notices.people
    post = await notices.post(people.hakui_advisor, **notices.staff_post())
    comments = f"/api/v1/notices/{post['id']}/comments"
    mine = (await notices.call(people.kanazawa_advisor, "POST", comments, json={"body": "参考になります"})).json()
    rude = (await notices.call(people.kanazawa_advisor, "POST", comments, json={"body": "不適切な書き込み"})).json()
    other = (await notices.call(people.nanao_advisor, "POST", comments, json={"body": "七尾です"})).json()

    edited = await notices.call(
        people.kanazawa_advisor, "PATCH", f"{comments}/{mine['id']}", json={"body": "大変参考になります", "version": 1}
    )
    assert (edited.status_code, edited.json()["version"]) == (200, 2)
    stale = await notices.call(
        people.kanazawa_advisor, "PATCH", f"{comments}/{mine['id']}", json={"body": "x", "version": 1}
    )
    assert stale.status_code == 409
    assert (
        await notices.call(people.nanao_advisor, "PATCH", f"{comments}/{mine['id']}", json={"body": "x"})
    ).status_code == 403
    assert (await notices.call(people.hakui_advisor, "DELETE", f"{comments}/{other['id']}")).status_code == 403
    assert (await notices.call(people.prefecture, "DELETE", f"{comments}/{rude['id']}")).status_code == 204
    assert (await notices.call(people.nanao_advisor, "DELETE", f"{comments}/{other['id']}")).status_code == 204
    assert (await notices.call(people.nanao_advisor, "DELETE", f"{comments}/{other['id']}")).status_code == 404

    remaining = (await notices.call(people.hakui_advisor, "GET", comments)).json()
    assert [c["body"] for c in remaining] == ["大変参考になります"]
    notices.assert_invalid(await notices.call(people.nanao_advisor, "POST", comments, json={"body": ""}), "body")
    notices.assert_invalid(
        await notices.call(people.nanao_advisor, "POST", comments, json={"body": "長" * 4001}), "body"
    )
    script = await notices.call(people.nanao_advisor, "POST", comments, json={"body": "<script>alert(1)</script>"})
    assert script.json()["body_html"] == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


async def test_reading_is_recorded_once_per_member_of_staff(notices):
    people = notices.people
    notice = await notices.post(people.prefecture, **notices.official_notice())
    read = f"/api/v1/notices/{notice['id']}/read"

    first = await notices.call(people.kanazawa_advisor, "POST", read)
    again = await notices.call(people.kanazawa_advisor, "POST", read)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert dt.datetime.fromisoformat(first.json()["read_at"]) <= dt.datetime.now(dt.UTC)

    assert [item["read"] for item in await notices.listed(people.kanazawa_advisor)] == [True]
    assert [item["read"] for item in await notices.listed(people.kanazawa_clerk)] == [False]
    assert [item["read"] for item in await notices.listed(people.nanao_advisor)] == [False]


async def test_the_author_and_prefecture_see_who_read_per_organization(notices):
    people = notices.people
    notice = await notices.post(
        people.prefecture, **notices.official_notice(audience={"org_kinds": ["cci"], "org_ids": ["hakui-society"]})
    )
    for reader in (people.kanazawa_advisor, people.kanazawa_clerk, people.hakui_advisor):
        assert (await notices.call(reader, "POST", f"/api/v1/notices/{notice['id']}/read")).status_code == 200
    receipts_path = f"/api/v1/notices/{notice['id']}/receipts"

    receipts = (await notices.call(people.prefecture_colleague, "GET", receipts_path)).json()
    by_org = {org["org_id"]: org for org in receipts["organizations"]}
    assert [org["org_id"] for org in receipts["organizations"]] == ["nanao-cci", "hakui-society", "kanazawa-cci"]
    assert {org_id: (org["read_count"], org["unread"]) for org_id, org in by_org.items()} == {
        "nanao-cci": (0, True),
        "hakui-society": (1, False),
        "kanazawa-cci": (2, False),
    }
    assert [reader["staff_id"] for reader in by_org["kanazawa-cci"]["readers"]] == [7, 8]
    assert (receipts["organizations_read"], receipts["organizations_unread"], receipts["read_count"]) == (2, 1, 3)
    assert (await notices.call(people.kanazawa_advisor, "GET", receipts_path)).status_code == 403
    assert (await notices.call(None, "GET", receipts_path)).status_code == 401

    post = await notices.post(people.nanao_advisor, **notices.staff_post(audience={"org_ids": ["kanazawa-cci"]}))
    await notices.call(people.kanazawa_advisor, "POST", f"/api/v1/notices/{post['id']}/read")
    own = await notices.call(people.nanao_advisor, "GET", f"/api/v1/notices/{post['id']}/receipts")
    assert [(org["org_id"], org["read_count"]) for org in own.json()["organizations"]] == [("kanazawa-cci", 1)]
    assert (
        await notices.call(people.kanazawa_advisor, "GET", f"/api/v1/notices/{post['id']}/receipts")
    ).status_code == 403


async def test_remind_asks_each_organization_to_remind_its_staff_who_have_not_read(notices):
    people = notices.people
    notice = await notices.post(people.prefecture, **notices.official_notice(audience={"org_kinds": ["cci"]}))
    await notices.call(people.kanazawa_advisor, "POST", f"/api/v1/notices/{notice['id']}/read")

    assert (
        await notices.call(people.nanao_advisor, "POST", f"/api/v1/notices/{notice['id']}/remind")
    ).status_code == 403
    reminded = await notices.call(people.prefecture, "POST", f"/api/v1/notices/{notice['id']}/remind")
    assert reminded.status_code == 202, reminded.text
    assert reminded.json()["org_ids"] == ["kanazawa-cci", "nanao-cci"]

    async def reminders() -> list[tuple[str, list[int]]]:
        events = await notices.fanned_out()
        return [(subject, list(event.read_staff_ids)) for subject, event in events if ".reminder." in subject]

    async def both_published() -> bool:
        return len(await reminders()) == 2

    await eventually(both_published, what="a reminder for each chamber of commerce")
    assert await reminders() == [
        (f"banso.notices.kanazawa-cci.reminder.{notice['id']}", [7]),
        (f"banso.notices.nanao-cci.reminder.{notice['id']}", []),
    ]
    scheduled = await notices.post(
        people.prefecture,
        **notices.official_notice(publish_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()),
    )
    too_early = await notices.call(people.prefecture, "POST", f"/api/v1/notices/{scheduled['id']}/remind")
    assert too_early.status_code == 409
