"""Outcome records (sharing-policy.md §5): per business and fiscal quarter, pseudonymous, relative figures only,
republished only when they change, withdrawn with tombstones — checked on the wire."""

from __future__ import annotations

from typing import Any

import nats
import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import func, select

from banso.events.v1 import outcome_record_pb2
from banso_core.messaging import OUTCOMES_STREAM
from banso_core.testing.servers import eventually
from org_records.fiscal import FiscalQuarter, today_in_japan
from org_records.goal.models import Goal
from org_records.outbox.repository import OutboxRepository
from org_records.outcome.models import OutcomeEvent
from org_records.outcome_record.models import OutcomeRecordMark
from org_records.outcome_record.records import BusinessActivity
from org_records.outcome_record.repository import OutcomeRecordRepository
from org_records.policy_support.models import PolicySupport
from org_records.support_session.models import SupportSession

pytestmark = pytest.mark.postgres

UPSERT, DELETE = outcome_record_pb2.OUTCOME_RECORD_OP_UPSERT, outcome_record_pb2.OUTCOME_RECORD_OP_DELETE
FIGURES_2024Q1 = {
    "sales_actual": 10_000_000,
    "gross_profit_actual": 3_000_000,
    "operating_profit_actual": 500_000,
    "employees": 5,
    "labor_cost": 2_000_000,
    "depreciation": 300_000,
    "existing_customer_sales": 8_000_000,
}
FIGURES_2025Q1 = {
    "sales_actual": 12_000_000,
    "gross_profit_actual": 4_200_000,
    "operating_profit_actual": 600_000,
    "employees": 6,
    "labor_cost": 2_400_000,
    "depreciation": 300_000,
    "existing_customer_sales": 9_000_000,
}
PLAN = {
    "title": "第3期 経営発達支援計画",
    "starts_on": "2024-04-01",
    "ends_on": "2029-03-31",
    "themes": [{"code": "sales", "title": "販路開拓による売上拡大"}, {"code": "dx", "title": "デジタル化の推進"}],
    "kpis": [],
    "kgis": [],
}


async def settled(org_records) -> bool:
    """Every mark consumed by the worker and every outbox row relayed."""
    async with org_records.app.state.database.session(read_only=True) as session:
        marks = await session.scalar(select(func.count()).select_from(OutcomeRecordMark))
        backlog = await OutboxRepository().backlog(session)
    return marks == 0 and backlog == 0


async def published(org_records, nats_url: str) -> list[tuple[str, outcome_record_pb2.OutcomeRecord]]:
    """Every message on `banso.outcomes.>` so far, in stream order, decoded."""
    await eventually(lambda: settled(org_records), timeout=30, what="outcome records to be published")
    broker = await nats.connect(nats_url)
    try:
        js = broker.jetstream()
        info = await js.stream_info(OUTCOMES_STREAM.name)
        messages = []
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            raw = await js.get_msg(OUTCOMES_STREAM.name, sequence)
            messages.append((raw.subject, outcome_record_pb2.OutcomeRecord.FromString(raw.data or b"")))
        return messages
    finally:
        await broker.close()


def latest(messages: list[tuple[str, outcome_record_pb2.OutcomeRecord]]) -> dict[str, outcome_record_pb2.OutcomeRecord]:
    """The newest record per fiscal quarter token."""
    return {f"{record.fiscal_year}Q{record.fiscal_quarter}": record for _, record in messages}


async def _created(response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def record_history(client, business_id: int) -> dict[str, Any]:
    """A small history of one business across FY2024 Q1 – FY2025 Q2 (and a goal dropped today)."""
    assert (await client.post("/api/v1/plans", json=PLAN)).status_code == 201
    base = f"/api/v1/businesses/{business_id}"
    sessions = [
        ("2025-04-15", "listening", "positive"),
        ("2025-05-20", "listening", "positive"),
        ("2025-06-10", "directive", "negative"),
        ("2025-07-05", "dialogue", "passive"),
    ]
    made: dict[str, Any] = {"sessions": []}
    for held_on, approach, attitude in sessions:
        made["sessions"].append(
            await _created(
                await client.post(
                    f"{base}/sessions",
                    json={
                        "held_on": held_on,
                        "channel": "visit",
                        "approach": approach,
                        "attitude": attitude,
                        "notes": "社長と売上の話をした（非公開）",
                    },
                )
            )
        )
    made["achieved"] = await _created(
        await client.post(
            f"{base}/goals",
            json={
                "set_on": "2025-04-10",
                "category": "sales_channel",
                "text": "県外の百貨店に販路を広げる",
                "plan_theme": "販路開拓による売上拡大",
                "status": "achieved",
                "achieved_on": "2025-06-20",
            },
        )
    )
    made["dropped"] = await _created(
        await client.post(
            f"{base}/goals",
            json={
                "set_on": "2025-05-01",
                "category": "digital",
                "text": "会計ソフトの導入",
                "plan_theme": "自由記述のテーマ",
            },
        )
    )
    await _created(await client.patch(f"/api/v1/goals/{made['dropped']['id']}", json={"status": "dropped"}))
    await _created(await client.put(f"{base}/financials/2024/1", json=FIGURES_2024Q1))
    await _created(await client.put(f"{base}/financials/2025/1", json=FIGURES_2025Q1))
    await _created(
        await client.post(
            f"{base}/policy-supports",
            json={
                "kind": "subsidy",
                "program": "小規模事業者持続化補助金",
                "applied_on": "2025-05-10",
                "amount_requested_yen": 500_000,
                "result": "adopted",
                "decided_on": "2025-08-01",
                "amount_granted_yen": 450_000,
            },
        )
    )
    for kind, occurred_on, count in (("new_partner", "2025-06-01", 2), ("hire", "2025-06-15", 1)):
        await _created(
            await client.post(
                f"{base}/outcomes",
                json={"kind": kind, "occurred_on": occurred_on, "count": count, "note": "取引先は株式会社能登商事"},
            )
        )
    return made


def _fields(record: outcome_record_pb2.OutcomeRecord) -> dict[str, Any]:
    return MessageToDict(record, preserving_proto_field_name=True, always_print_fields_with_no_presence=False)


async def test_records_are_computed_from_the_quarter_and_the_same_quarter_a_year_before(
    client, business, org_records, nats_server
):
    await record_history(client, business["id"])
    messages = await published(org_records, nats_server.url)
    records = latest(messages)
    today = FiscalQuarter.of(today_in_japan())
    dropped_quarter = f"{today.fiscal_year}Q{today.quarter}"
    # 2024Q1 has figures but nothing to compare them with; 2026Q1 would compare with 2025Q1 but has no figures.
    assert set(records) == {"2025Q1", "2025Q2", dropped_quarter}
    for token, record in records.items():  # the worker ran beside the writes: each version once, in order
        versions = [each.version for subject, each in messages if subject.endswith(f".{token}")]
        assert versions == list(range(1, record.version + 1))

    q1 = records["2025Q1"]
    ref = q1.business_ref
    assert len(ref) == 32 and str(business["id"]) != ref
    assert {subject for subject, _ in messages} == {
        f"banso.outcomes.kaga-society.{ref}.2025Q1",
        f"banso.outcomes.kaga-society.{ref}.2025Q2",
        f"banso.outcomes.kaga-society.{ref}.{dropped_quarter}",
    }
    assert q1.op == UPSERT and q1.org_id == "kaga-society"
    assert (q1.jsic_major, q1.employee_band, q1.support_stage) == ("E", "0-5", "active")
    assert list(q1.plan_themes) == ["sales"]  # by its title; a goal's own theme text never leaves
    assert dict(q1.sessions_by_approach) == {"listening": 2, "directive": 1}
    assert dict(q1.sessions_by_attitude) == {"positive": 2, "negative": 1}
    assert dict(q1.sessions_by_approach_attitude) == {"listening/positive": 2, "directive/negative": 1}
    assert dict(q1.goals_set_by_category) == {"sales_channel": 1, "digital": 1}
    assert dict(q1.goals_achieved_by_category) == {"sales_channel": 1}
    assert dict(q1.goals_dropped_by_category) == {}
    assert dict(q1.policy_supports_applied_by_kind) == {"subsidy": 1}
    assert dict(q1.policy_supports_adopted_by_kind) == {}
    assert dict(q1.outcome_events_by_kind) == {"new_partner": 2, "hire": 1}
    # 12.0M / 10.0M sales; 35% / 30% margin; 600k / 500k profit; 3.3M/6 / 2.8M/5 per person; 75% / 80% existing.
    assert q1.sales_yoy_percent == 20.0
    assert q1.gross_margin_change_points == 5.0
    assert q1.operating_profit_yoy_percent == 20.0
    assert q1.labor_productivity_yoy_percent == -1.8
    assert q1.existing_customer_share_change_points == -5.0

    q2 = records["2025Q2"]
    assert dict(q2.sessions_by_approach) == {"dialogue": 1} and dict(q2.sessions_by_attitude) == {"passive": 1}
    assert dict(q2.sessions_by_approach_attitude) == {"dialogue/passive": 1}
    assert dict(q2.policy_supports_adopted_by_kind) == {"subsidy": 1}
    assert dict(q2.goals_set_by_category) == {} and list(q2.plan_themes) == ["sales"]
    for absent in (
        "sales_yoy_percent",
        "gross_margin_change_points",
        "operating_profit_yoy_percent",
        "labor_productivity_yoy_percent",
        "existing_customer_share_change_points",
    ):
        assert not q2.HasField(absent)  # absent, which is not 0

    dropped = records[dropped_quarter]
    assert dict(dropped.goals_dropped_by_category) == {"digital": 1}
    assert not dropped.sessions_by_approach


async def test_the_preview_shows_exactly_what_was_published(client, business, org_records, nats_server):
    await record_history(client, business["id"])
    records = latest(await published(org_records, nats_server.url))
    preview = (await client.get(f"/api/v1/businesses/{business['id']}/outcome-records")).json()
    assert preview["shared"] is True
    assert [item["quarter"] for item in preview["records"]] == sorted(records)
    for item in preview["records"]:
        wire = _fields(records[item["quarter"]])
        shown = {name: value for name, value in item["record"].items() if value not in (None, {}, [], "")}
        assert shown.pop("updated_at") and wire.pop("updated_at")
        assert shown == {**wire, "op": "upsert", "version": int(wire["version"])}
        assert item["changed"] is False
        assert item["subject"].endswith(f".{item['quarter']}")
    assert preview["records"][0]["quarter_label"] == "令和7年度 第1四半期"


async def test_only_records_that_changed_are_published_again(client, business, org_records, nats_server):
    made = await record_history(client, business["id"])
    before = await published(org_records, nats_server.url)
    base = f"/api/v1/businesses/{business['id']}"

    # Changes no record carries: session notes, a goal's text, the business's name, the same figures again.
    first_session = made["sessions"][0]["id"]
    assert (await client.patch(f"/api/v1/sessions/{first_session}", json={"notes": "別のメモ"})).status_code == 200
    await _created(await client.patch(f"/api/v1/goals/{made['achieved']['id']}", json={"text": "百貨店と催事"}))
    await _created(await client.patch(base, json={"name": "有限会社加賀漆器工房 本店"}))
    await _created(await client.put(f"{base}/financials/2025/1", json=FIGURES_2025Q1))
    assert len(await published(org_records, nats_server.url)) == len(before)

    # Last year's figures change this year's YoY: only 2025Q1 is republished.
    await _created(await client.put(f"{base}/financials/2024/1", json=FIGURES_2024Q1 | {"sales_actual": 8_000_000}))
    # A session moves from 2025Q1 to 2025Q2: both change.
    moved = made["sessions"][2]["id"]
    assert (await client.patch(f"/api/v1/sessions/{moved}", json={"held_on": "2025-07-20"})).status_code == 200
    after = await published(org_records, nats_server.url)
    new = after[len(before) :]
    q1, q2 = latest(before)["2025Q1"].version, latest(before)["2025Q2"].version
    assert sorted((record.fiscal_year, record.fiscal_quarter, record.version) for _, record in new) in (
        [(2025, 1, q1 + 1), (2025, 1, q1 + 2), (2025, 2, q2 + 1)],  # the two writes were computed in two rounds
        [(2025, 1, q1 + 1), (2025, 2, q2 + 1)],  # … or in one
    )
    records = latest(after)
    assert records["2025Q1"].sales_yoy_percent == 50.0
    assert dict(records["2025Q1"].sessions_by_approach) == {"listening": 2}
    assert dict(records["2025Q2"].sessions_by_approach) == {"dialogue": 1, "directive": 1}


async def test_consent_withdrawal_and_deletion_publish_tombstones_for_every_published_quarter(
    client, business, org_records, nats_server
):
    await record_history(client, business["id"])
    first = await published(org_records, nats_server.url)
    upserts = latest(first)
    base = f"/api/v1/businesses/{business['id']}"

    await _created(await client.patch(base, json={"sharing_consent": False}))
    messages = await published(org_records, nats_server.url)
    tombstones = messages[len(first) :]
    assert len(tombstones) == len(upserts)
    for subject, record in tombstones:
        token = f"{record.fiscal_year}Q{record.fiscal_quarter}"
        assert subject.endswith(f".{upserts[token].business_ref}.{token}")
        assert record.op == DELETE and record.version == upserts[token].version + 1
        assert set(_fields(record)) == {
            "business_ref",
            "op",
            "version",
            "updated_at",
            "org_id",
            "fiscal_year",
            "fiscal_quarter",
        }
    preview = (await client.get(f"{base}/outcome-records")).json()
    assert preview["shared"] is False and "共有同意" in preview["reason"] and preview["records"] == []

    # While there is no consent, a change publishes nothing; consent back publishes every record anew.
    await _created(await client.post(f"{base}/outcomes", json={"kind": "startup", "occurred_on": "2025-06-02"}))
    assert len(await published(org_records, nats_server.url)) == len(messages)
    await _created(await client.patch(base, json={"sharing_consent": True}))
    again = (await published(org_records, nats_server.url))[len(messages) :]
    assert len(again) == len(upserts)
    for _, record in again:
        assert (
            record.op == UPSERT
            and record.version == upserts[f"{record.fiscal_year}Q{record.fiscal_quarter}"].version + 2
        )

    assert (await client.delete(base)).status_code == 204
    final = (await published(org_records, nats_server.url))[len(messages) + len(again) :]
    assert len(final) == len(upserts)
    for _, record in final:
        assert (
            record.op == DELETE
            and record.version == upserts[f"{record.fiscal_year}Q{record.fiscal_quarter}"].version + 3
        )


async def test_no_identifying_string_or_yen_amount_is_ever_on_the_wire(
    client, business, business_payload, org_records, nats_server
):
    neighbour = {
        "name": "株式会社のと里山農園",
        "representative": "能登 花子",
        "phone": "0768-22-1111",
        "email": "hanako@noto-satoyama.example.jp",
        "address": "石川県七尾市府中町1-1",
        "employees": 250,
        "jsic_major": "A",
        "jsic_middle": "01",
    }
    other = await _created(await client.post("/api/v1/businesses", json=business_payload | neighbour))
    await record_history(client, business["id"])
    base = f"/api/v1/businesses/{other['id']}"
    await _created(await client.put(f"{base}/financials/2024/2", json=FIGURES_2024Q1))
    await _created(await client.put(f"{base}/financials/2025/2", json=FIGURES_2025Q1 | {"sales_actual": 11_000_000}))
    await _created(await client.patch(f"/api/v1/businesses/{business['id']}", json={"sharing_consent": False}))

    messages = await published(org_records, nats_server.url)
    assert {record.business_ref for _, record in messages} and len({r.business_ref for _, r in messages}) == 2
    identifying = [
        value
        for payload in (business_payload, other)
        for key in ("name", "name_kana", "representative", "address", "phone", "email", "corporate_number")
        if (value := payload.get(key))
    ] + ["能登商事", "社長と売上の話", "百貨店", "会計ソフト", "自由記述", "持続化補助金"]
    yen = {
        value for figures in (FIGURES_2024Q1, FIGURES_2025Q1) for key, value in figures.items() if key != "employees"
    }
    yen |= {11_000_000, 500_000, 450_000}
    for subject, record in messages:
        raw = record.SerializeToString()
        for text in identifying:
            assert text not in subject and text.encode() not in raw, text
        strings, numbers = _leaves(_fields(record))
        assert not any(text in value for text in identifying for value in strings)
        assert not numbers & yen, numbers & yen
        assert str(business["id"]) not in (record.business_ref, subject.split(".")[3])


def _leaves(value: Any) -> tuple[list[str], set[float]]:
    strings: list[str] = []
    numbers: set[float] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            strings.append(key)
            more_strings, more_numbers = _leaves(item)
            strings += more_strings
            numbers |= more_numbers
    elif isinstance(value, list):
        for item in value:
            more_strings, more_numbers = _leaves(item)
            strings += more_strings
            numbers |= more_numbers
    elif isinstance(value, str):
        strings.append(value)
        if value.lstrip("-").isdigit():  # int64 fields come as strings in JSON
            numbers.add(float(value))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        numbers.add(float(value))
    return strings, numbers


async def test_a_refused_write_marks_nothing_and_the_preview_refuses_an_unknown_business(
    client, business, org_records, count_rows
):
    base = f"/api/v1/businesses/{business['id']}"
    await eventually(lambda: settled(org_records), what="startup marks to be consumed")
    session = {"held_on": "2025-04-01", "channel": "visit", "approach": "shouting", "attitude": "positive"}
    bad = await client.post(f"{base}/sessions", json=session)
    assert bad.status_code == 422 and "approach" in bad.text
    future = await client.put(f"{base}/financials/2099/1", json={"sales_actual": 1})
    assert future.status_code == 422
    assert await count_rows(OutcomeRecordMark) == 0
    assert (await client.get("/api/v1/businesses/999999/outcome-records")).status_code == 404
    assert (await client.get("/api/v1/businesses/abc/outcome-records")).status_code == 422


SESSION_2025Q1 = {"held_on": "2025-05-01", "channel": "counter", "approach": "dialogue", "attitude": "positive"}


@pytest.mark.parametrize("k_anonymity", [3])
async def test_the_band_is_the_k_anonymous_one_and_follows_the_register(
    client, business_payload, org_records, nats_server, k_anonymity
):
    async def add(employees: int, **overrides: Any) -> dict[str, Any]:
        fields = business_payload | {"employees": employees, "sharing_consent": False} | overrides
        return await _created(await client.post("/api/v1/businesses", json=fields))

    async def band_of(business: dict[str, Any]) -> tuple[str, str]:
        """The description in the business's preview, which is what was last published for it."""
        messages = await published(org_records, nats_server.url)
        (item,) = (await client.get(f"/api/v1/businesses/{business['id']}/outcome-records")).json()["records"]
        newest = [record for _, record in messages if record.business_ref == item["record"]["business_ref"]]
        described = item["record"]["jsic_major"], item["record"]["employee_band"]
        assert (newest[-1].jsic_major, newest[-1].employee_band) == described and item["changed"] is False
        return described

    shared = await add(4, sharing_consent=True)
    await _created(await client.post(f"/api/v1/businesses/{shared['id']}/sessions", json=SESSION_2025Q1))
    second = await add(10)  # without consent: it publishes nothing, but the register counts it
    assert await band_of(shared) == ("E", "")  # two of 業種 E: not 3-anonymous even by 業種大分類 alone
    third = await add(12)
    assert await band_of(shared) == ("E", "0-20")  # three corporations of 32 with 0-20 employees
    alone = await add(40, sharing_consent=True, jsic_major="A", jsic_middle="01")
    await _created(await client.post(f"/api/v1/businesses/{alone['id']}/sessions", json=SESSION_2025Q1))
    assert await band_of(alone) == ("A", "")

    assert (await client.delete(f"/api/v1/businesses/{third['id']}")).status_code == 204
    assert await band_of(shared) == ("E", "")
    fourth = await add(15)
    assert await band_of(shared) == ("E", "0-20")
    await _created(await client.patch(f"/api/v1/businesses/{fourth['id']}", json={"employees": 60}))
    assert await band_of(shared) == ("E", "")  # three of 業種 E, but no narrower description fits three
    assert second["id"] != fourth["id"]


EDGES = ["2025-03-31", "2025-04-01", "2025-06-30", "2025-07-01", "2025-09-30", "2025-10-01", "2025-12-31", "2026-01-01"]


async def test_the_database_tallies_by_fiscal_quarter_exactly_as_the_records_do(client, business, org_records):
    base = f"/api/v1/businesses/{business['id']}"
    for n, day in enumerate(EDGES):
        approach, attitude = ("listening", "dialogue", "directive")[n % 3], ("positive", "negative", "passive")[n % 3]
        session = {"held_on": day, "channel": "visit", "approach": approach, "attitude": attitude}
        await _created(await client.post(f"{base}/sessions", json=session))
        goal = {"set_on": EDGES[0], "category": ("digital", "talent")[n % 2], "text": f"目標{n}", "status": "achieved"}
        await _created(await client.post(f"{base}/goals", json=goal | {"achieved_on": day}))
        support = {"kind": ("subsidy", "loan")[n % 2], "program": "独自の制度", "applied_on": EDGES[0]}
        await _created(
            await client.post(f"{base}/policy-supports", json=support | {"result": "adopted", "decided_on": day})
        )
        await _created(await client.post(f"{base}/outcomes", json={"kind": "hire", "occurred_on": day, "count": n + 1}))
    async with org_records.app.state.database.session(read_only=True) as session:
        (tallied,) = (await OutcomeRecordRepository().activities(session, [business["id"]])).values()
        rows = {
            name: (await session.scalars(select(model).where(model.business_id == business["id"]))).all()
            for name, model in (
                ("sessions", SupportSession),
                ("goals", Goal),
                ("policy_supports", PolicySupport),
                ("outcomes", OutcomeEvent),
            )
        }
    counted = BusinessActivity.of(tallied.business, **rows)
    assert tallied.tallies == counted.tallies
    assert {quarter for quarter in tallied.tallies["outcome_events_by_kind"]} == {
        (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4)
    }  # fmt: skip
    assert tallied.tallies["outcome_events_by_kind"][(2025, 4)] == {"hire": 8}


async def test_a_business_taking_a_deleted_ones_id_gets_its_own_pseudonym_and_the_old_records_go(
    client, business_payload, org_records, nats_server
):
    async def with_a_session() -> dict[str, Any]:
        created = await _created(await client.post("/api/v1/businesses", json=business_payload))
        await _created(await client.post(f"/api/v1/businesses/{created['id']}/sessions", json=SESSION_2025Q1))
        return created

    first = await with_a_session()
    # One record, or two when the worker ran between the business and its session on a loaded machine.
    earlier = [record for _, record in await published(org_records, nats_server.url)]
    before = earlier[-1]
    assert {record.business_ref for record in earlier} == {before.business_ref}
    assert (await client.delete(f"/api/v1/businesses/{first['id']}")).status_code == 204
    second = await with_a_session()
    if org_records.app.state.database.dialect == "sqlite":
        assert second["id"] == first["id"]  # SQLite hands the deleted row's id to the next one
    after = [record for _, record in await published(org_records, nats_server.url)][len(earlier) :]
    by_ref = {record.business_ref: record for record in after}
    assert len(by_ref) == 2 and before.business_ref in by_ref
    assert by_ref[before.business_ref].op == DELETE and by_ref[before.business_ref].version == before.version + 1
    (new,) = [record for ref, record in by_ref.items() if ref != before.business_ref]
    # The newest record of the new pseudonym (version 1, or 2 when the worker ran between the business and its
    # session on a loaded machine): its own count from 1, not the deleted business's.
    assert new.op == UPSERT and new.version in (1, 2) and dict(new.sessions_by_approach) == {"dialogue": 1}
