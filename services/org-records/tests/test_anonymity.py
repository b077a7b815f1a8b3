"""k-anonymity of published descriptions (sharing-policy.md §3): generalised step by step, republished when the
register changes, and every published tuple fits at least k businesses of the register."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banso.events.v1 import goal_summary_pb2
from banso_core.messaging import GOALS_STREAM
from banso_core.testing.servers import NatsServer, eventually
from banso_core.testing.streams import stream_messages
from org_records.sharing.anonymity import LEVELS, Descriptors, Generaliser, Profile, generalised
from org_records.transfer.schemas import BUSINESS_COLUMNS, GOAL_COLUMNS

pytestmark = pytest.mark.postgres

UPSERT, DELETE = goal_summary_pb2.GOAL_SUMMARY_OP_UPSERT, goal_summary_pb2.GOAL_SUMMARY_OP_DELETE


def corp(middle: str, employees: int | None, form: str = "corporation", major: str = "E") -> Profile:
    return Profile(form, major, middle, employees)


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        # Three of a kind: nothing to generalise.
        ([corp("32", 4), corp("32", 5), corp("32", 1)], Descriptors("corporation", "E", "32", "0-5")),
        # 4 and 12 and 18 employees share the wide band 0-20.
        ([corp("32", 4), corp("32", 12), corp("32", 18)], Descriptors("corporation", "E", "32", "0-20")),
        # Alone in its 中分類: the 中分類 goes.
        ([corp("32", 4), corp("31", 12), corp("29", 18)], Descriptors("corporation", "E", "", "0-20")),
        # Alone in its form: the form goes too.
        (
            [corp("32", 4), corp("31", 12, "sole_proprietor"), corp("29", 18, "sole_proprietor")],
            Descriptors("", "E", "", "0-20"),
        ),
        # Alone in its wide band: only the 大分類 is left.
        ([corp("32", 4), corp("31", 40), corp("29", 400)], Descriptors("", "E", "", "")),
        # Two in the whole 大分類: nothing may be published.
        ([corp("32", 4), corp("32", 4), corp("32", 4, major="G")], None),
        # An unknown head count is a value of its own, never a match for any band.
        ([corp("32", None), corp("32", None), corp("32", None)], Descriptors("corporation", "E", "32", "")),
    ],
)
def test_descriptions_are_generalised_step_by_step(register, expected):
    assert Generaliser(register, k=3).descriptors(register[0]) == expected


def test_k_of_one_publishes_every_description_as_it_is():
    lone = corp("32", 4)
    assert Generaliser([lone], k=1).descriptors(lone) == generalised(lone, 0)


def test_k_below_one_is_refused():
    with pytest.raises(ValueError, match="k must be at least 1"):
        Generaliser([], k=0)


profiles = st.builds(
    Profile,
    business_form=st.sampled_from(["corporation", "sole_proprietor", "other"]),
    jsic_major=st.sampled_from(["E", "I"]),
    jsic_middle=st.sampled_from(["", "09", "32", "58"]),
    employees=st.none() | st.integers(min_value=0, max_value=500),
)


def anonymity_set(descriptors: Descriptors, register: list[Profile]) -> int:
    """The businesses of the register that a reader of the published description could not tell apart."""
    return sum(descriptors.describes(profile) for profile in register)


@settings(max_examples=300, deadline=None)
@given(register=st.lists(profiles, min_size=1, max_size=40), k=st.integers(min_value=1, max_value=6))
def test_every_published_description_fits_k_businesses_and_is_the_least_generalised(register, k):
    generaliser = Generaliser(register, k)
    for profile in register:
        descriptors = generaliser.descriptors(profile)
        exact_counts = [sum(generalised(p, level) == generalised(profile, level) for p in register) for level in LEVELS]
        if descriptors is None:
            assert exact_counts[-1] < k
            continue
        assert descriptors.describes(profile)
        assert anonymity_set(descriptors, register) >= k
        level = [generalised(profile, level) for level in LEVELS].index(descriptors)
        assert all(count < k for count in exact_counts[:level])


# --- on the wire, through the service -------------------------------------------------------------------------


def business(name: str, middle: str = "32", employees: int = 4, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "business_form": "corporation",
        "jsic_major": "E",
        "jsic_middle": middle,
        "employees": employees,
        "sharing_consent": True,
    } | overrides


async def latest_by_goal(nats: NatsServer) -> dict[str, goal_summary_pb2.GoalSummary]:
    """The newest summary of each goal the stream holds."""
    newest: dict[str, goal_summary_pb2.GoalSummary] = {}
    for msg in await stream_messages(nats.url, GOALS_STREAM.name):
        summary = goal_summary_pb2.GoalSummary.FromString(msg.data)
        held = newest.get(summary.goal_ref)
        if held is None or summary.version >= held.version:
            newest[summary.goal_ref] = summary
    return newest


async def create(client: httpx.AsyncClient, fields: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/businesses", json=fields)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_goal(client: httpx.AsyncClient, business_id: int, text: str = "新商品の開発") -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/businesses/{business_id}/goals",
        json={"set_on": "2026-04-10", "category": "new_product", "text": text},
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def settled(nats: NatsServer, client: httpx.AsyncClient, goals: int) -> dict[str, goal_summary_pb2.GoalSummary]:
    """The stream's state once the outbox is empty and every goal has been published."""
    state: dict[str, goal_summary_pb2.GoalSummary] = {}

    async def published() -> bool:
        nonlocal state
        state = await latest_by_goal(nats)
        return len(state) == goals and (await client.get("/healthz")).status_code == 200

    await eventually(published, what=f"{goals} goals on the stream")
    return state


@pytest.mark.parametrize("k_anonymity", [3])
async def test_a_business_alone_in_its_industry_is_withheld_and_the_preview_says_why(client, nats_server):
    lone = await create(client, business("有限会社ひとり工房"))
    goal = await add_goal(client, lone["id"])
    preview = (await client.get(f"/api/v1/goals/{goal['id']}/share-preview")).json()
    assert preview["shared"] is False and preview["summary"] is None
    assert "3者未満" in preview["reason"]
    (summary,) = (await settled(nats_server, client, 1)).values()
    assert summary.op == DELETE and summary.text == "" and summary.jsic_major == ""


@pytest.mark.parametrize("k_anonymity", [3])
async def test_register_changes_republish_the_descriptions_they_move(client, nats_server):
    first = await create(client, business("株式会社一番", employees=4))
    goal = await add_goal(client, first["id"])
    await create(client, business("株式会社二番", middle="31", employees=30))
    (summary,) = (await settled(nats_server, client, 1)).values()
    assert summary.op == DELETE

    # A third business of 大分類 E: the goal may leave, described by its 大分類 only.
    third = await create(client, business("株式会社三番", middle="29", employees=12, sharing_consent=False))

    async def described_as(expected: tuple[str, str, str, str], op: int) -> bool:
        (latest,) = (await latest_by_goal(nats_server)).values()
        found = (latest.business_form, latest.jsic_major, latest.jsic_middle, latest.employee_band)
        return latest.op == op and found == expected

    await eventually(lambda: described_as(("", "E", "", ""), UPSERT), what="the goal shared as 大分類 only")
    # The third moves to the first's wide band 0-20 and form: two of them there, still not three.
    await client.patch(f"/api/v1/businesses/{third['id']}", json={"employees": 15, "business_form": "corporation"})
    await create(client, business("株式会社四番", middle="11", employees=20))
    await eventually(
        lambda: described_as(("corporation", "E", "", "0-20"), UPSERT), what="the goal shared with a wide band"
    )
    preview = (await client.get(f"/api/v1/goals/{goal['id']}/share-preview")).json()
    assert preview["summary"]["employee_band"] == "0-20" and preview["summary"]["jsic_middle"] == ""

    # Deleting two of the register withdraws it again.
    for other in (third, await create(client, business("株式会社五番", middle="12", employees=300))):
        assert (await client.delete(f"/api/v1/businesses/{other['id']}")).status_code == 204
    await eventually(lambda: described_as(("", "E", "", ""), UPSERT), what="the goal generalised back")
    second = await client.get("/api/v1/businesses", params={"limit": 10})
    for listed in second.json()["items"]:
        if listed["name"] in ("株式会社二番", "株式会社四番"):
            assert (await client.delete(f"/api/v1/businesses/{listed['id']}")).status_code == 204
    await eventually(lambda: described_as(("", "", "", ""), DELETE), what="the goal withdrawn")


@pytest.mark.parametrize("k_anonymity", [3])
async def test_every_tuple_on_the_wire_fits_k_businesses_of_the_register(client, nats_server):
    register = [
        business("株式会社あ", "32", 3),
        business("株式会社い", "32", 5),
        business("株式会社う", "32", 2, sharing_consent=False),
        business("株式会社え", "31", 8),
        business("株式会社お", "31", 60),
        business("合同会社か", "09", 15, business_form="sole_proprietor"),
        business("株式会社き", "09", 150),
        business("株式会社く", "58", 4, jsic_major="I"),
        business("株式会社け", "58", 7, jsic_major="I"),
        business("株式会社こ", "57", 400, jsic_major="I"),
        business("株式会社さ", "01", 4, jsic_major="A"),
    ]
    goals = 0
    for fields in register:
        created = await create(client, fields)
        await add_goal(client, created["id"])
        goals += 1
    state = await settled(nats_server, client, goals)
    await eventually(lambda: _stable(nats_server, state), what="republishing to finish")
    profiles = [Profile(b["business_form"], b["jsic_major"], b["jsic_middle"], b["employees"]) for b in register]
    shared = [summary for summary in (await latest_by_goal(nats_server)).values() if summary.op == UPSERT]
    assert len(shared) == 9  # 株式会社う has no consent; 株式会社さ is alone in 大分類 A
    for summary in shared:
        published = Descriptors(summary.business_form, summary.jsic_major, summary.jsic_middle, summary.employee_band)
        assert anonymity_set(published, profiles) >= 3, published


async def _stable(nats: NatsServer, before: dict[str, goal_summary_pb2.GoalSummary]) -> bool:
    now = await latest_by_goal(nats)
    stable = {ref: s.version for ref, s in now.items()} == {ref: s.version for ref, s in before.items()}
    before.clear()
    before.update(now)
    return stable


def csv_file(columns: list[Any], rows: list[dict[str, str]]) -> bytes:
    headers = [column.header for column in columns]
    lines = [",".join(headers)] + [",".join(row.get(header, "") for header in headers) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("k_anonymity", [3])
async def test_an_import_publishes_with_the_whole_register_counted(client, nats_server, import_file):
    first = await create(client, business("株式会社既存"))
    await add_goal(client, first["id"])
    imported = [
        {"事業者コード": f"K{n}", "事業者名": f"株式会社取込{n}", "事業形態": "法人", "業種大分類": "E",
         "業種中分類": "32", "従業員数": "3", "共有同意": "はい"}
        for n in range(2)
    ]  # fmt: skip
    job = await import_file(csv_file(BUSINESS_COLUMNS, imported))
    assert job["status"] == "succeeded", job["errors"]
    goal = {
        "事業者コード": "K0",
        "設定日": "2026-04-10",
        "目標カテゴリ": "新商品・サービス開発",
        "目標": "取込した目標",
    }
    job = await import_file(csv_file(GOAL_COLUMNS, [goal]))
    assert job["status"] == "succeeded", job["errors"]

    async def shared_as_is() -> bool:
        latest = await latest_by_goal(nats_server)
        return len(latest) == 2 and all(
            s.op == UPSERT and s.jsic_middle == "32" and s.employee_band == "0-5" for s in latest.values()
        )

    await eventually(shared_as_is, what="both goals shared as they are once the import made three")
