"""A whole register whose goals name their own and each other's businesses, people, phones, e-mails, addresses:
nothing identifying reaches the broker or the exchange (sharing-policy.md §1–§3, and the outcome records of §5),
decoded message by message."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import nats
import pytest

from banso.events.v1 import goal_summary_pb2, outcome_record_pb2
from banso_core.testing.auth import signed_in_client
from banso_core.testing.servers import eventually
from org_records.sharing.anonymity import Descriptors, Profile
from org_records.transfer.schemas import GOAL_COLUMNS

pytestmark = [pytest.mark.e2e]

DATA = Path(__file__).parents[1] / "services" / "org-records" / "tests" / "data"
# Kinds with a target of zero leaks. Names of people the register does not know are caught by morphology, at a
# measured rate (docs/benchmarks.md, scrubbing), so texts naming them are not part of this zero-leak test.
ZERO_LEAK_KINDS = {"business", "representative", "phone", "email", "url", "postcode", "corporate_number", "address"}
IDENTITY_FIELDS = ("name", "name_kana", "representative", "address", "phone", "fax", "email", "website")
MIDDLES = ("09", "11", "29", "32")


def register() -> list[dict[str, Any]]:
    """The corpus register as businesses of one 商工会, spread over 中分類 and head counts."""
    businesses = json.loads((DATA / "scrub_register.json").read_text(encoding="utf-8"))["businesses"]
    return [
        {field: entry[field] for field in (*IDENTITY_FIELDS, "corporate_number") if entry.get(field)}
        | {
            "external_code": entry["id"],
            "business_form": "corporation" if n % 4 else "sole_proprietor",
            "jsic_major": "E",
            "jsic_middle": MIDDLES[n % len(MIDDLES)],
            "employees": (3, 9, 27, 140)[n % 4] + n,
            "sharing_consent": True,
        }
        for n, entry in enumerate(businesses)
    ]


def identifying_goals() -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in (DATA / "scrub_corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    chosen = {
        (line["register_ref"], line["text"]): line
        for line in lines
        if line["spans"] and line["register_ref"] and {span["kind"] for span in line["spans"]} <= ZERO_LEAK_KINDS
    }
    return list(chosen.values())


def goal_csv(goals: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in GOAL_COLUMNS])
    for goal in goals:
        cells = {
            "事業者コード": goal["register_ref"],
            "設定日": "2026-05-01",
            "目標カテゴリ": "その他",
            "目標": goal["text"],
        }
        writer.writerow([cells.get(column.header, "") for column in GOAL_COLUMNS])
    return buffer.getvalue().encode()


def profiles(businesses: list[dict[str, Any]]) -> list[Profile]:
    return [Profile(b["business_form"], b["jsic_major"], b["jsic_middle"], b["employees"]) for b in businesses]


def digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def leaks(text: str, businesses: list[dict[str, Any]], spans: set[str]) -> list[str]:
    """Identifying strings of the register (and the corpus's labelled spans) found in a published text."""
    folded = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")
    found = [span for span in spans if span.replace(" ", "").replace("\u3000", "") in folded]
    for business in businesses:
        for field in IDENTITY_FIELDS:
            value = unicodedata.normalize("NFKC", business.get(field, "")).replace(" ", "")
            if value and value in folded:
                found.append(value)
        for number in (business.get("phone"), business.get("fax"), business.get("corporate_number")):
            if number and digits(number) in digits(text):
                found.append(number)
    return found


async def test_no_identifying_string_reaches_the_broker_or_the_exchange(federation):
    businesses = register()
    goals = identifying_goals()
    # A one- or two-character given name (修, 勝) occurs inside ordinary words (修学旅行): the register's full
    # names cover those people here, and the scrubbing benchmark measures them position by position.
    spans = {span["text"] for goal in goals for span in goal["spans"] if len(span["text"].replace(" ", "")) > 2}
    broker = await nats.connect(federation.nats.url)
    wire = await broker.subscribe("banso.goals.>")
    outcome_wire = await broker.subscribe("banso.outcomes.>")
    noto = await federation.start_org("noto-society", "能登商工会", k_anonymity=3)
    await federation.start_exchange()

    async with signed_in_client(noto.url) as client:
        for business in businesses:
            response = await client.post("/api/v1/businesses", json=business)
            assert response.status_code == 201, response.text
        upload = await client.post("/api/v1/imports", files={"file": ("goals.csv", goal_csv(goals))})
        assert upload.status_code == 202, upload.text

        async def imported() -> bool:
            job = (await client.get(upload.headers["location"])).json()
            assert job["status"] != "failed", job["errors"]
            return bool(job["status"] == "succeeded")

        await eventually(imported, timeout=60, what="the goals imported")

    async def all_searchable() -> bool:
        return bool((await federation.search(limit=1))["total"] == len(goals))

    await eventually(all_searchable, timeout=60, what=f"{len(goals)} goals in the exchange")

    published: list[goal_summary_pb2.GoalSummary] = []
    while True:
        try:
            msg = await wire.next_msg(timeout=1)
        except TimeoutError:
            break
        raw = msg.data.decode("utf-8", errors="replace")
        assert not leaks(raw, businesses, spans), (msg.subject, leaks(raw, businesses, spans))
        assert not msg.headers or not leaks(repr(msg.headers), businesses, spans)
        summary = goal_summary_pb2.GoalSummary.FromString(msg.data)
        for field, value in summary.ListFields():
            if isinstance(value, str):
                assert not leaks(value, businesses, spans), (field.name, value)
        published.append(summary)
    assert len({summary.goal_ref for summary in published}) == len(goals)

    # Outcome records (sharing-policy.md §5): one per business with goals, for the quarter they were set in.
    records: dict[str, outcome_record_pb2.OutcomeRecord] = {}

    async def every_business_recorded() -> bool:
        while True:
            try:
                msg = await outcome_wire.next_msg(timeout=0.2)
            except TimeoutError:
                return len(records) == len({goal["register_ref"] for goal in goals})
            raw = msg.data.decode("utf-8", errors="replace")
            assert not leaks(raw, businesses, spans) and not leaks(msg.subject, businesses, spans), msg.subject
            record = outcome_record_pb2.OutcomeRecord.FromString(msg.data)
            for field, value in record.ListFields():
                if isinstance(value, str):
                    assert not leaks(value, businesses, spans), (field.name, value)
            records[record.business_ref] = record

    await eventually(every_business_recorded, timeout=60, what="an outcome record of every business with goals")
    await broker.close()
    for record in records.values():
        assert (record.fiscal_year, record.fiscal_quarter) == (2026, 1) and sum(record.goals_set_by_category.values())
        described = Descriptors("", record.jsic_major, "", record.employee_band)
        assert sum(described.describes(profile) for profile in profiles(businesses)) >= 3, described

    for summary in published:
        described = Descriptors(summary.business_form, summary.jsic_major, summary.jsic_middle, summary.employee_band)
        assert sum(described.describes(profile) for profile in profiles(businesses)) >= 3, described

    shown = 0
    for offset in range(0, len(goals), 100):
        page = await federation.search(limit=100, offset=offset)
        for item in page["items"]:
            for value in item.values():
                if isinstance(value, str):
                    assert not leaks(value, businesses, spans), value
            shown += 1
    assert shown == len(goals)
