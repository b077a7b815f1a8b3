"""What leaves for the organizations: one message per organization of the audience, through the outbox."""

from __future__ import annotations

from banso.events.v1 import notice_pb2
from banso_core.testing.servers import eventually

UPSERT, DELETE = notice_pb2.NOTICE_EVENT_OP_UPSERT, notice_pb2.NOTICE_EVENT_OP_DELETE


async def settled(notices, count: int):  # type: ignore[no-untyped-def]
    async def published() -> bool:
        return len(await notices.fanned_out()) >= count

    await eventually(published, what=f"{count} messages on BANSO_NOTICES")
    return await notices.fanned_out()


async def test_a_notice_goes_to_each_organization_of_its_audience_and_follows_its_changes(notices):
    people = notices.people
    notice = await notices.post(
        people.prefecture,
        **notices.official_notice(audience={"org_kinds": ["cci"], "roles": ["advisor", "lead_advisor"]}, pinned=True),
    )
    events = await settled(notices, 2)
    assert [subject for subject, _ in events] == [
        f"banso.notices.kanazawa-cci.notice.{notice['id']}",
        f"banso.notices.nanao-cci.notice.{notice['id']}",
    ]
    _, event = events[0]
    assert (event.org_id, event.op, event.notice_id, event.version) == ("kanazawa-cci", UPSERT, notice["id"], 1)
    assert (event.kind, event.category, event.title, event.pinned) == (
        "official",
        "subsidy_loan",
        notice["title"],
        True,
    )
    assert list(event.roles) == ["advisor", "lead_advisor"]
    assert event.publish_at.ToDatetime().isoformat()[:19] == notice["publish_at"][:19]
    assert not event.HasField("expires_at")

    await notices.call(
        people.prefecture, "PATCH", f"/api/v1/notices/{notice['id']}", json={"audience": {"org_ids": ["nanao-cci"]}}
    )
    events = await settled(notices, 4)
    assert [(subject, event.op, event.version) for subject, event in events[2:]] == [
        (f"banso.notices.nanao-cci.notice.{notice['id']}", UPSERT, 2),
        (f"banso.notices.kanazawa-cci.notice.{notice['id']}", DELETE, 2),
    ]

    comment = await notices.call(
        people.nanao_advisor, "POST", f"/api/v1/notices/{notice['id']}/comments", json={"body": "承知しました"}
    )
    events = await settled(notices, 5)
    subject, comment_event = events[4]
    assert subject == f"banso.notices.nanao-cci.comment.{notice['id']}"
    assert (comment_event.comment_id, comment_event.op, comment_event.author_org_id) == (
        comment.json()["id"],
        UPSERT,
        "nanao-cci",
    )

    await notices.call(people.prefecture, "DELETE", f"/api/v1/notices/{notice['id']}")
    events = await settled(notices, 6)
    assert [(subject, event.op, event.version) for subject, event in events[5:]] == [
        (f"banso.notices.nanao-cci.notice.{notice['id']}", DELETE, 3)
    ]


async def test_a_notice_saved_while_the_broker_is_away_leaves_when_it_is_back(notices, nats_server):
    people = notices.people
    await notices.post(people.prefecture, **notices.official_notice(title="先に", audience={"org_ids": ["nanao-cci"]}))
    await settled(notices, 1)
    nats_server.stop()
    try:
        saved = await notices.post(
            people.prefecture, **notices.official_notice(title="障害中に", audience={"org_ids": ["nanao-cci"]})
        )
    finally:
        nats_server.start()
    events = await settled(notices, 2)
    assert [event.title for _, event in events] == ["先に", "障害中に"]
    assert events[1][1].notice_id == saved["id"]
