"""What leaves the organization: exactly the allow-list of sharing-policy.md §1, built in one place."""

from __future__ import annotations

import dataclasses
import datetime as dt

import nats
import pytest
from hypothesis import given
from hypothesis import strategies as st

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import GOALS_STREAM, MSG_ID_HEADER
from banso_core.vocabulary import BusinessForm, GoalCategory, GoalStatus, OrgKind, jsic
from org_records.business.models import Business
from org_records.goal.models import Goal
from org_records.org import OrgIdentity
from org_records.sharing.anonymity import generalised
from org_records.sharing.events import encode_goal_summary
from org_records.sharing.service import GoalSummary, profile_of, summarize_goal
from org_records.staff.models import Staff

# sharing-policy.md §1: the eleven practice fields (org and staff as id+name / name+handle) plus transport.
POLICY_FIELDS = {
    "business_form", "jsic_major", "jsic_middle", "employee_band", "set_on", "category", "text", "status",
    "achieved_on", "org_id", "org_name", "staff_name", "staff_handle", "goal_ref", "version", "updated_at", "op",
}  # fmt: skip
BUSINESS = {
    "name": "有限会社加賀漆器工房",
    "phone": "0761-78-0001",
    "email": "info@kaga-shikki.example.jp",
    "business_form": "corporation",
    "jsic_major": "E",
    "jsic_middle": "32",
    "employees": 4,
    "sharing_consent": True,
}
GOAL_TEXT = "ECサイトで県外の新規顧客を開拓する"
ORG = OrgIdentity("kaga-society", "加賀商工会", OrgKind.society, b"secret-a")
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def test_summary_contract_is_the_policy_allow_list():
    assert {field.name for field in dataclasses.fields(GoalSummary)} == POLICY_FIELDS
    assert set(goal_summary_pb2.GoalSummary.DESCRIPTOR.fields_by_name) == POLICY_FIELDS


def _business(**overrides: object) -> Business:
    values = {key: value for key, value in BUSINESS.items()} | {"id": 7, "staff_id": None} | overrides
    return Business(**values)


def _summary(goal: Goal, business: Business, staff: Staff | None, org: OrgIdentity, text: str) -> GoalSummary:
    """The summary of a goal whose business's description needs no generalisation."""
    return summarize_goal(goal, generalised(profile_of(business), 0), staff, org, text)


def _goal(**overrides: object) -> Goal:
    values = {
        "id": 42,
        "business_id": 7,
        "set_on": dt.date(2026, 4, 10),
        "category": "sales_channel",
        "text": GOAL_TEXT,
        "status": "not_started",
        "achieved_on": None,
        "shared": True,
        "version": 3,
        "created_at": NOW,
        "updated_at": NOW,
    } | overrides
    return Goal(**values)


businesses = st.builds(
    _business,
    name=st.text(min_size=1, max_size=50),
    representative=st.text(max_size=20),
    address=st.text(max_size=60),
    phone=st.from_regex(r"0[0-9]{1,4}-[0-9]{2,4}-[0-9]{4}", fullmatch=True),
    email=st.emails(),
    employees=st.integers(min_value=0, max_value=100_000),
    business_form=st.sampled_from(list(BusinessForm)),
    jsic_middle=st.sampled_from(sorted(jsic().middles)),
)


@given(business=businesses, category=st.sampled_from(list(GoalCategory)), status=st.sampled_from(list(GoalStatus)))
def test_summary_never_carries_identity_or_exact_head_count(business, category, status):
    business.jsic_major = jsic().major_of(business.jsic_middle)
    staff = Staff(id=3, display_name="北村", email="kitamura@example.jp", created_at=NOW)
    summary = _summary(_goal(category=category, status=status), business, staff, ORG, GOAL_TEXT)
    message = goal_summary_pb2.GoalSummary.FromString(encode_goal_summary(summary))
    assert {field.name for field, _ in message.ListFields()} <= POLICY_FIELDS
    assert message.employee_band in {"0-5", "6-20", "21-50", "51-100", "101-300", "301+"}
    assert message.employee_band != str(business.employees)
    carried = {value for field, value in message.ListFields() if isinstance(value, str)}
    for private in (business.phone, business.email, "kitamura@example.jp"):
        assert private not in carried
    assert message.goal_ref not in ("42", "7") and len(message.goal_ref) == 32


def test_goal_ref_is_stable_and_unlinkable_across_organisations():
    other = OrgIdentity("nanao-cci", "七尾商工会議所", OrgKind.cci, b"secret-b")
    first = _summary(_goal(), _business(), None, ORG, GOAL_TEXT)
    again = _summary(_goal(text="変更後", version=4), _business(), None, ORG, "変更後")
    elsewhere = _summary(_goal(), _business(), None, other, GOAL_TEXT)
    assert first.goal_ref == again.goal_ref
    assert first.goal_ref != elsewhere.goal_ref
    # SQLite gives a deleted goal's id to the next goal: that goal is another goal, with another ref.
    reused = _summary(_goal(created_at=NOW + dt.timedelta(microseconds=1)), _business(), None, ORG, GOAL_TEXT)
    assert reused.goal_ref != first.goal_ref


async def test_a_goal_after_a_deleted_one_is_shared_under_its_own_ref(client, business, goal_payload, nats_server):
    deleted = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    assert (await client.delete(f"/api/v1/goals/{deleted['id']}")).status_code == 204
    following = (await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)).json()
    summaries = [goal_summary_pb2.GoalSummary.FromString(msg.data) for msg in await _published(nats_server.url, 3)]
    assert [summary.op for summary in summaries] == [
        goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
        goal_summary_pb2.GOAL_SUMMARY_OP_DELETE,
        goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
    ]
    assert summaries[2].goal_ref != summaries[0].goal_ref, (deleted["id"], following["id"])


@pytest.mark.parametrize(("employees", "band"), [(0, "0-5"), (5, "0-5"), (6, "6-20"), (20, "6-20"), (21, "21-50"),
                                                  (100, "51-100"), (300, "101-300"), (301, "301+")])  # fmt: skip
def test_employee_band_edges(employees, band):
    assert _summary(_goal(), _business(employees=employees), None, ORG, GOAL_TEXT).employee_band == band


async def _published(nats_url: str, count: int) -> list[nats.aio.msg.Msg]:
    broker = await nats.connect(nats_url)
    js = broker.jetstream()
    subscription = await js.pull_subscribe("banso.goals.>", stream=GOALS_STREAM.name)
    msgs: list[nats.aio.msg.Msg] = []
    while len(msgs) < count:
        msgs.extend(await subscription.fetch(count - len(msgs), timeout=10))
    await broker.close()
    return msgs


async def test_withheld_goals_publish_tombstones_and_deletion_a_newer_one(
    client, nats_server, goal_payload, business_payload
):
    unconsented = (await client.post("/api/v1/businesses", json=business_payload | {"sharing_consent": False})).json()
    consented = (await client.post("/api/v1/businesses", json=business_payload)).json()
    await client.post(f"/api/v1/businesses/{unconsented['id']}/goals", json=goal_payload)
    opted_out = (
        await client.post(f"/api/v1/businesses/{consented['id']}/goals", json=goal_payload | {"shared": False})
    ).json()
    shared = (await client.post(f"/api/v1/businesses/{consented['id']}/goals", json=goal_payload)).json()
    assert (await client.delete(f"/api/v1/goals/{shared['id']}")).status_code == 204

    msgs = await _published(nats_server.url, 4)
    summaries = [goal_summary_pb2.GoalSummary.FromString(msg.data) for msg in msgs]
    ops = [summary.op for summary in summaries]
    assert ops == [
        goal_summary_pb2.GOAL_SUMMARY_OP_DELETE,
        goal_summary_pb2.GOAL_SUMMARY_OP_DELETE,
        goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT,
        goal_summary_pb2.GOAL_SUMMARY_OP_DELETE,
    ]
    assert all(summary.text == "" for summary in summaries if summary.op == goal_summary_pb2.GOAL_SUMMARY_OP_DELETE)
    assert summaries[2].text == goal_payload["text"] and summaries[2].version == 1
    assert summaries[3].goal_ref == summaries[2].goal_ref and summaries[3].version == 2
    assert opted_out["shared"] is False
    assert [msg.subject for msg in msgs][2] == f"banso.goals.kaga-society.{summaries[2].goal_ref}"
    assert len({msg.headers[MSG_ID_HEADER] for msg in msgs}) == 4


async def test_published_text_is_scrubbed_and_the_preview_shows_exactly_it(client, business_payload, nats_server):
    neighbour = business_payload | {
        "name": "株式会社のと里山農園",
        "representative": "能登 花子",
        "phone": "0768-22-1111",
    }
    await client.post("/api/v1/businesses", json=neighbour)
    business = (await client.post("/api/v1/businesses", json=business_payload)).json()
    text = "加賀漆器工房の漆原社長と、のと里山農園（0768-22-1111）の能登さんとの共同商品開発"
    goal = (
        await client.post(
            f"/api/v1/businesses/{business['id']}/goals",
            json={"set_on": "2026-04-10", "category": "new_product", "text": text},
        )
    ).json()
    preview = (await client.get(f"/api/v1/goals/{goal['id']}/share-preview")).json()
    assert preview["shared"] is True
    shared_text = preview["summary"]["text"]
    for identifying in ("加賀漆器工房", "漆原", "のと里山農園", "0768-22-1111", "能登さん"):
        assert identifying not in shared_text, shared_text
    assert "共同商品開発" in shared_text and "［事業者名］" in shared_text
    for part in preview["replacements"]:
        assert text[part["start"] : part["end"]] == part["original"]
        assert part["kind_label"]

    (published,) = await _published(nats_server.url, 1)
    assert goal_summary_pb2.GoalSummary.FromString(published.data).text == shared_text


async def test_preview_says_why_nothing_leaves(client, business_payload):
    business = (await client.post("/api/v1/businesses", json=business_payload | {"sharing_consent": False})).json()
    goal = (
        await client.post(
            f"/api/v1/businesses/{business['id']}/goals",
            json={"set_on": "2026-04-10", "category": "digital", "text": "会計ソフトの導入"},
        )
    ).json()
    preview = (await client.get(f"/api/v1/goals/{goal['id']}/share-preview")).json()
    assert preview["shared"] is False and "共有同意" in preview["reason"] and preview["summary"] is None
