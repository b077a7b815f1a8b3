"""Small hand-built registers where every published number was worked out by hand (k = 3 to keep them small),
including the cells hidden for resting on too few businesses (primary) and those hidden so that they cannot be
subtracted back (complementary)."""

from __future__ import annotations

from typing import Any

from analytics.tables.definitions import TABLES
from analytics.tables.disclosure import TOTAL, Fact
from analytics.tables.service import compute, rows_of

K = 3
_records = iter(range(1_000_000))


def fact(business: int, org: str, *, year: int = 2025, quarter: int = 1, **counts: Any) -> Fact:
    figures = {name: counts.pop(name) for name in list(counts) if name.endswith(("_percent", "_points"))}
    return Fact(
        record=next(_records),
        business=business,
        org_id=org,
        fiscal_year=year,
        fiscal_quarter=quarter,
        jsic_major=counts.pop("jsic_major", "E"),
        plan_themes=tuple(counts.pop("plan_themes", ())),
        counts=counts,
        figures=figures,
    )


def published(name: str, facts: list[Fact], **filters: Any) -> dict[tuple[str, ...], dict[str, Any]]:
    table = TABLES[name]
    cells = compute(table, facts, K, **filters)
    rows = rows_of(table, cells, K, lambda org: org)
    return {tuple(row[d.name] for d in table.dimensions): row for row in rows}


def test_org_vs_prefecture_by_hand():
    facts = [
        # 団体 A: four businesses, two sessions each; 2 goals achieved, 1 dropped; sales +10, +20, +30 %.
        fact(1, "A", sessions_by_approach={"listening": 2}, goals_achieved_by_category={"digital": 1},
             sales_yoy_percent=10.0),
        fact(2, "A", sessions_by_approach={"dialogue": 2}, goals_achieved_by_category={"talent": 1},
             sales_yoy_percent=20.0),
        fact(3, "A", sessions_by_approach={"listening": 2}, goals_dropped_by_category={"digital": 1},
             sales_yoy_percent=30.0),
        fact(4, "A", sessions_by_approach={"directive": 2}),
        # 団体 B: three businesses, one session each; 1 achieved; sales +5, −5 % (two businesses: no mean).
        fact(5, "B", sessions_by_approach={"listening": 1}, goals_achieved_by_category={"digital": 1},
             sales_yoy_percent=5.0),
        fact(6, "B", sessions_by_approach={"listening": 1}, sales_yoy_percent=-5.0),
        fact(7, "B", sessions_by_approach={"listening": 1}),
        # 団体 C: two businesses — under k.
        fact(8, "C", sessions_by_approach={"listening": 1}, policy_supports_applied_by_kind={"subsidy": 1}),
        fact(9, "C", sessions_by_approach={"listening": 1}),
    ]  # fmt: skip
    rows = published("org-vs-prefecture", facts)
    assert set(rows) == {("A",), ("B",), ("C",), (TOTAL,)}
    a, b, c, total = rows[("A",)], rows[("B",)], rows[("C",)], rows[(TOTAL,)]
    assert (a["suppressed"], a["businesses"], a["sessions"]) == (False, 4, 8)
    assert (a["goals_achieved"], a["goals_dropped"], a["achievement_rate"]) == (2, 1, 0.667)
    assert a["mean_sales_yoy_percent"] == 20.0  # (10 + 20 + 30) / 3, three businesses
    assert a["mean_gross_margin_change_points"] is None and a["supports_applied"] == 0
    # C rests on 2 < 3 businesses: hidden. B would give C away (total − A − B), so B is hidden too.
    for hidden in (b, c):
        assert hidden["suppressed"] is True and hidden["businesses"] is None
        assert all(hidden[m] is None for m in ("sessions", "goals_achieved", "achievement_rate"))
    # 県全体: 9 businesses, 8 + 3 + 2 sessions; 3 achieved, 1 dropped; sales mean of 10, 20, 30, 5, −5.
    assert (total["suppressed"], total["businesses"], total["sessions"]) == (False, 9, 13)
    assert (total["goals_achieved"], total["goals_dropped"], total["achievement_rate"]) == (3, 1, 0.75)
    assert total["mean_sales_yoy_percent"] == 12.0
    assert (total["supports_applied"], total["adoption_rate"]) == (1, 0.0)
    assert total["org_label"] == TOTAL  # labelled by the service ("県全体")


def approach_attitude_register() -> list[Fact]:
    def pairs(business: int, **sessions: int) -> Fact:
        return fact(business, "K", sessions_by_approach_attitude={
            key.replace("__", "/"): n for key, n in sessions.items()})  # fmt: skip

    return [
        pairs(1, listening__positive=1),
        pairs(2, listening__positive=2),
        pairs(3, listening__positive=1, dialogue__negative=1),
        pairs(4, dialogue__negative=1),
        pairs(5, dialogue__negative=1),
        pairs(6, listening__negative=1),
        pairs(7, directive__positive=1),
    ]


def test_approach_attitude_by_hand_with_complementary_cells():
    rows = published("approach-attitude", approach_attitude_register())
    plane = {dims[1:]: row for dims, row in rows.items() if dims[0] == "K"}
    # The prefecture total is the same register (one organization), so it publishes the same.
    assert {dims[1:]: row["businesses"] for dims, row in rows.items() if dims[0] == TOTAL} == {
        key: row["businesses"] for key, row in plane.items()
    }

    def shown(approach: str, attitude: str) -> tuple[int | None, int | None]:
        row = plane[(approach, attitude)]
        return row["businesses"], row["sessions"]

    # Primary: 傾聴×否定的 (business 6) and 指導×前向き = 指導 total (business 7) rest on one business.
    # 傾聴 row: its total (4 businesses) minus 傾聴×前向き would give 傾聴×否定的 → 傾聴×前向き hidden too.
    # 否定的 column: total minus 対話×否定的 would give 傾聴×否定的 → 対話×否定的 hidden too.
    # Attitude-total column: 合計 − 傾聴 − 対話 would give 指導 → 対話 total hidden too (3 < 4 businesses).
    hidden = {
        ("listening", "negative"), ("directive", "positive"), ("directive", TOTAL),
        ("listening", "positive"), ("dialogue", "negative"), ("dialogue", TOTAL),
    }  # fmt: skip
    assert {key for key, row in plane.items() if row["suppressed"]} == hidden
    assert all(shown(*key) == (None, None) for key in hidden)
    assert shown("listening", TOTAL) == (4, 5)  # businesses 1, 2, 3, 6: sessions 1 + 2 + 1 + 1
    assert shown(TOTAL, "positive") == (4, 5)  # 1, 2, 3, 7: 1 + 2 + 1 + 1
    assert shown(TOTAL, "negative") == (4, 4)  # 3, 4, 5, 6
    assert shown(TOTAL, TOTAL) == (7, 9)
    assert set(plane) == hidden | {("listening", TOTAL), (TOTAL, "positive"), (TOTAL, "negative"), (TOTAL, TOTAL)}


def test_goals_by_category_counts_a_business_in_each_of_its_categories():
    facts = [
        fact(b, "K", goals_set_by_category={"digital": 1, "talent": 1}, goals_achieved_by_category={"digital": 1})
        for b in (1, 2, 3)
    ] + [fact(4, "K", goals_set_by_category={"digital": 2}, goals_dropped_by_category={"digital": 1})]
    rows = published("goals-by-category", facts)
    digital = rows[("K", "digital", "E")]
    assert (digital["businesses"], digital["goals_set"], digital["goals_achieved"], digital["goals_dropped"]) == (
        4, 5, 3, 1,
    )  # fmt: skip
    assert digital["achievement_rate"] == 0.75
    talent = rows[("K", "talent", "E")]
    assert (talent["businesses"], talent["goals_set"], talent["achievement_rate"]) == (3, 3, None)
    everything = rows[("K", TOTAL, TOTAL)]
    assert (everything["businesses"], everything["goals_set"], everything["goals_achieved"]) == (4, 8, 3)


def test_outcomes_count_an_event_once_in_the_total_over_themes():
    facts = [fact(b, "K", plan_themes=("sales", "digital"), outcome_events_by_kind={"hire": 2}) for b in (1, 2, 3)]
    rows = published("outcomes", facts)
    assert rows[("K", "sales", "hire")]["events"] == 6
    assert rows[("K", "digital", "hire")]["events"] == 6
    assert rows[("K", TOTAL, "hire")]["events"] == 6  # not 12: each record's events once
    assert rows[("K", TOTAL, TOTAL)]["businesses"] == 3


def test_attitude_shift_follows_each_business_to_its_next_quarter_with_sessions():
    facts = []
    for business in (1, 2, 3):
        facts.append(fact(business, "K", quarter=1, sessions_by_attitude={"negative": 2, "positive": 1},
                          sessions_by_approach={"listening": 3}))  # fmt: skip
        facts.append(fact(business, "K", quarter=3, sessions_by_attitude={"positive": 1},
                          sessions_by_approach={"directive": 1}))  # fmt: skip
    rows = published("attitude-shift", facts)
    row = rows[("K", "negative", "positive", "listening")]
    assert (row["businesses"], row["transitions"]) == (3, 3)
    assert rows[("K", TOTAL, TOTAL, TOTAL)]["transitions"] == 3
    # The shift counts in the later quarter: asking for Q1 finds none.
    assert published("attitude-shift", facts, fiscal_quarter=1) == {}


def test_policy_support_by_kind_and_adoption():
    facts = [
        fact(1, "K", policy_supports_applied_by_kind={"subsidy": 1}, policy_supports_adopted_by_kind={"subsidy": 1},
             sales_yoy_percent=10.0),
        fact(2, "K", policy_supports_applied_by_kind={"subsidy": 2}, policy_supports_adopted_by_kind={"subsidy": 1},
             sales_yoy_percent=20.0),
        fact(3, "K", policy_supports_adopted_by_kind={"subsidy": 1}, sales_yoy_percent=30.0),
        fact(4, "K", policy_supports_applied_by_kind={"subsidy": 1}),
        fact(5, "K", policy_supports_applied_by_kind={"subsidy": 1}),
        fact(6, "K", policy_supports_applied_by_kind={"subsidy": 1}),
    ]  # fmt: skip
    rows = published("policy-support", facts)
    adopted, applied_only = rows[("K", "subsidy", "adopted")], rows[("K", "subsidy", "applied_only")]
    assert (adopted["businesses"], adopted["applications"], adopted["adoptions"]) == (3, 3, 3)
    assert (adopted["adoption_rate"], adopted["mean_sales_yoy_percent"]) == (1.0, 20.0)
    assert (applied_only["businesses"], applied_only["applications"], applied_only["adoptions"]) == (3, 3, 0)
    assert (applied_only["adoption_rate"], applied_only["mean_sales_yoy_percent"]) == (0.0, None)
    subsidy = rows[("K", "subsidy", TOTAL)]
    assert (subsidy["businesses"], subsidy["applications"], subsidy["adoptions"], subsidy["adoption_rate"]) == (
        6, 6, 3, 0.5,
    )  # fmt: skip


def test_a_mean_needs_k_businesses_not_k_records():
    # Four businesses (cell published), but only businesses 1 and 2 have sales figures — in three records.
    facts = [
        fact(1, "K", quarter=1, sessions_by_approach={"listening": 1}, sales_yoy_percent=10.0),
        fact(1, "K", quarter=2, sessions_by_approach={"listening": 1}, sales_yoy_percent=30.0),
        fact(2, "K", quarter=1, sessions_by_approach={"listening": 1}, sales_yoy_percent=20.0),
        fact(3, "K", quarter=1, sessions_by_approach={"listening": 1}, operating_profit_yoy_percent=-4.0),
        fact(4, "K", quarter=2, sessions_by_approach={"listening": 1}, operating_profit_yoy_percent=8.0),
        fact(5, "K", quarter=2, sessions_by_approach={"listening": 1}, operating_profit_yoy_percent=5.0),
    ]
    row = published("org-vs-prefecture", facts)[("K",)]
    assert (row["businesses"], row["sessions"]) == (5, 6)
    assert row["mean_sales_yoy_percent"] is None  # three records, two businesses
    assert row["mean_operating_profit_yoy_percent"] == 3.0  # (−4 + 8 + 5) / 3, three businesses
