"""類似目標のお知らせ: a goal highly similar to another organization's alerts both 担当者 — once per pair, within a
daily limit per 担当者, and never for a goal of the same organization or an unrelated one."""

from __future__ import annotations

from banso.events.v1 import notice_pb2
from banso_core.messaging import NOTICES_STREAM
from banso_core.testing.servers import eventually
from banso_core.testing.streams import stream_messages

SAUNA = "サウナ棟付のキャンプ場新設"
SAUNA_AGAIN = "サウナ棟付きのキャンプ場を新設"


async def settled(exchange, wire) -> None:
    await wire.settled()
    await eventually(lambda: _idle(exchange), what="the similar-goal watcher to finish")


async def _idle(exchange) -> bool:
    return bool(exchange.served.app.state.similar_goals.idle)


async def alerts(nats_url: str) -> list[tuple[str, notice_pb2.SimilarGoalAlert]]:
    held = await stream_messages(nats_url, NOTICES_STREAM.name, "banso.notices.*.alert.>")
    return [(msg.subject, notice_pb2.SimilarGoalAlert.FromString(msg.data)) for msg in held]


async def test_similar_goals_of_two_organizations_alert_both_once(exchange, wire, nats_server):
    first, second = wire.new_ref(), wire.new_ref()
    await wire.publish(wire.summary(first, text=SAUNA, staff_handle="h-kitamura"))
    await settled(exchange, wire)
    await wire.publish(
        wire.summary(
            second, org_id="nanao-cci", org_name="七尾商工会議所", staff_name="能登 担当", staff_handle="h-noto",
            text=SAUNA_AGAIN,
        )
    )  # fmt: skip
    await settled(exchange, wire)

    found = dict((alert.org_id, (subject, alert)) for subject, alert in await alerts(nats_server.url))
    assert set(found) == {"kanazawa-cci", "nanao-cci"}
    subject, to_kanazawa = found["kanazawa-cci"]
    assert subject == f"banso.notices.kanazawa-cci.alert.{to_kanazawa.alert_id}"
    assert (to_kanazawa.staff_handle, to_kanazawa.goal_ref, to_kanazawa.goal_text) == ("h-kitamura", first, SAUNA)
    assert (to_kanazawa.other_org_name, to_kanazawa.other_goal_text) == ("七尾商工会議所", SAUNA_AGAIN)
    assert to_kanazawa.other_staff_name == "能登 担当" and to_kanazawa.category == "new_product"
    assert "サウナ" in to_kanazawa.shared_terms and 0.5 <= to_kanazawa.similarity <= 1
    _, to_nanao = found["nanao-cci"]
    assert (to_nanao.staff_handle, to_nanao.other_goal_ref) == ("h-noto", first)
    assert to_nanao.alert_id == to_kanazawa.alert_id

    # A new version of either goal is the same pair: no second alert.
    await wire.publish(wire.summary(second, org_id="nanao-cci", version=2, staff_handle="h-noto", text=SAUNA))
    await wire.publish(wire.summary(first, version=2, staff_handle="h-kitamura", text=SAUNA, status="achieved"))
    await settled(exchange, wire)
    assert len(await alerts(nats_server.url)) == 2


async def test_the_same_organization_and_unrelated_goals_alert_nobody(exchange, wire, nats_server):
    await wire.publish(wire.summary(wire.new_ref(), text=SAUNA, staff_handle="h-kitamura"))
    await wire.publish(wire.summary(wire.new_ref(), text=SAUNA_AGAIN, staff_handle="h-yamada"))
    unrelated = "会計ソフトを導入して月次決算を早める"
    await wire.publish(wire.summary(wire.new_ref(), org_id="nanao-cci", text=unrelated, staff_handle="h-noto"))
    other_category = wire.summary(
        wire.new_ref(), org_id="nanao-cci", text=SAUNA, staff_handle="h-noto", category="sales_channel"
    )
    await wire.publish(other_category)
    await settled(exchange, wire)
    assert await alerts(nats_server.url) == []


async def test_a_busy_advisor_is_not_alerted_beyond_the_daily_limit(start_exchange, wire, nats_server):
    exchange = await start_exchange(similar_alerts_per_staff_per_day=1)
    await wire.publish(wire.summary(wire.new_ref(), text=SAUNA, staff_handle="h-kitamura"))
    await settled(exchange, wire)
    for handle in ("h-noto", "h-wajima"):
        await wire.publish(wire.summary(wire.new_ref(), org_id="nanao-cci", text=SAUNA_AGAIN, staff_handle=handle))
        await settled(exchange, wire)
    received = [alert.staff_handle for _, alert in await alerts(nats_server.url)]
    # 北村 hears of the first similar goal only; each of the others hears of 北村's goal (their first alert).
    assert sorted(received) == ["h-kitamura", "h-noto", "h-wajima"]
