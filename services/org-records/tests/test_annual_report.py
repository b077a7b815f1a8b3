"""実績報告書: every KPI and KGI of a hand-built fiscal year, computed by hand, in JSON, gRPC and Excel.

The report is for 令和6年度 (FY2024 = 2024-04-01..2025-03-31), compared with FY2023. Five businesses:
A 漆器工房, B 酒造, C 旅館, D 九谷焼窯元 (no session in FY2024), E 食品製造. The boundary days 2024-03-31 (FY2023),
2024-04-01 and 2025-03-31 (FY2024) and 2025-04-01 (FY2025) all carry records.
"""

from __future__ import annotations

import io
from typing import Any

import grpc
import httpx
import pytest
from openpyxl import load_workbook

from banso.records.v1 import plans_pb2, plans_pb2_grpc

pytestmark = pytest.mark.postgres

PLAN = {
    "title": "第2期 経営発達支援計画",
    "starts_on": "2024-04-01",
    "ends_on": "2029-03-31",
    "themes": [
        {"code": "sales", "title": "販路開拓による売上拡大"},
        {"code": "succession", "title": "事業承継の推進"},
        {"code": "productivity", "title": "生産性向上"},
    ],
    "kpis": [
        {
            "code": "follow_up",
            "label": "フォローアップ対象",
            "measure": "businesses_followed_up",
            "targets": {"2024": 5},
        },
        {"code": "visits", "label": "フォローアップ延べ回数", "measure": "follow_up_sessions", "targets": {"2024": 10}},
        {
            "code": "growth",
            "label": "売上または営業利益増加",
            "measure": "sales_or_profit_increased",
            "targets": {"2024": 2},
        },
        {"code": "plans", "label": "事業計画策定", "measure": "plans_formulated", "targets": {"2024": 3}},
        {
            "code": "plans_verified",
            "label": "事業計画策定（書類確認）",
            "measure": "plans_formulated",
            "targets": {"2024": 3},
            "verified_only": True,
        },
        {"code": "partners", "label": "新規取引先", "measure": "new_partners", "targets": {"2024": 5}},
        {"code": "deals", "label": "商談成立", "measure": "deals_closed", "targets": {"2024": 4}},
        {"code": "subsidies", "label": "補助金採択", "measure": "subsidies_adopted", "targets": {"2024": 3}},
        {"code": "seminar", "label": "セミナー参加", "measure": "seminar_participants", "targets": {"2024": 6}},
        {"code": "experts", "label": "専門家派遣", "measure": "expert_dispatches", "targets": {"2024": 2}},
        {"code": "startups", "label": "創業", "measure": "startups", "targets": {"2025": 1}},
        {"code": "hires", "label": "採用", "measure": "hires", "targets": {"2024": 3}},
        {"code": "digital", "label": "デジタルツール導入", "measure": "digital_tools", "targets": {"2024": 4}},
        {"code": "talent", "label": "人材マッチング", "measure": "talent_matched", "targets": {"2024": 1}},
    ],
    "kgis": [
        {
            "code": "margin",
            "label": "粗利率が改善した企業割合",
            "theme": "sales",
            "condition": "gross_margin_improved",
            "threshold_percent": 30,
        },
        {
            "code": "productivity",
            "label": "労働生産性改善または採用",
            "theme": "productivity",
            "condition": "labor_productivity_improved_or_hired",
            "threshold_percent": 50,
        },
        {
            "code": "succession",
            "label": "事業承継の完了・実行",
            "theme": "succession",
            "condition": "succession_done_or_executing",
            "threshold_percent": 50,
        },
        {
            "code": "sales",
            "label": "売上高が増加した企業割合",
            "theme": "sales",
            "condition": "sales_increased",
            "threshold_percent": 70,
        },
    ],
}

NAMES = {"A": "漆器工房A", "B": "酒造B", "C": "旅館C", "D": "九谷焼窯元D", "E": "食品製造E"}

# (business, held_on, channel). FY2024 sessions: A×3, B×1 (2025-03-31), C×2, E×2 = 8; businesses A, B, C, E.
SESSIONS = [
    ("A", "2024-04-01", "visit"),
    ("A", "2024-06-10", "expert"),
    ("A", "2024-09-05", "seminar"),
    ("B", "2024-03-31", "visit"),  # FY2023's last day: not counted
    ("B", "2025-03-31", "counter"),  # FY2024's last day: counted
    ("C", "2024-05-20", "seminar"),
    ("C", "2024-11-11", "expert"),
    ("D", "2023-10-01", "visit"),  # FY2023: D is not supported in FY2024
    ("E", "2024-07-07", "online"),
    ("E", "2024-08-08", "phone"),
    ("E", "2025-04-01", "visit"),  # FY2025's first day: not counted
]

# (business, plan_theme). B names the theme by its title; D's goal does not count (no FY2024 session).
GOALS = [("A", "sales"), ("A", "succession"), ("B", "販路開拓による売上拡大"), ("C", "succession"), ("D", "succession")]
GOALS += [("E", "productivity"), ("E", "sales"), ("C", None)]

# (business, kind, occurred_on, count, verified)
OUTCOMES = [
    ("A", "plan_formulated", "2024-04-15", 1, True),
    ("A", "new_partner", "2024-08-01", 3, True),
    ("A", "deal_closed", "2024-09-01", 2, False),
    ("A", "hire", "2025-03-31", 1, False),
    ("B", "plan_formulated", "2024-05-01", 1, False),
    ("B", "plan_formulated", "2024-10-01", 1, True),
    ("B", "new_partner", "2024-03-31", 5, True),  # FY2023
    ("C", "succession_executing", "2024-12-01", 1, True),
    ("C", "talent_matched", "2024-07-01", 1, True),
    ("C", "digital_tool", "2024-06-01", 2, False),
    ("D", "startup", "2024-05-05", 1, True),
    ("D", "plan_formulated", "2024-04-01", 1, False),
    ("E", "hire", "2024-09-09", 2, True),
    ("E", "new_partner", "2025-04-01", 4, True),  # FY2025
]

POLICY_SUPPORTS = [
    (
        "A",
        {
            "kind": "subsidy",
            "program": "jizokuka_subsidy",
            "applied_on": "2024-05-01",
            "result": "adopted",
            "decided_on": "2024-07-31",
            "amount_granted_yen": 500_000,
        },
    ),
    (
        "B",
        {
            "kind": "subsidy",
            "program": "it_subsidy",
            "applied_on": "2024-01-10",
            "result": "adopted",
            "decided_on": "2024-03-29",
        },
    ),  # decided in FY2023
    (
        "C",
        {
            "kind": "subsidy",
            "program": "monozukuri_subsidy",
            "applied_on": "2024-04-20",
            "result": "rejected",
            "decided_on": "2024-08-01",
        },
    ),
    (
        "D",
        {
            "kind": "subsidy",
            "program": "jizokuka_subsidy",
            "applied_on": "2025-01-10",
            "result": "adopted",
            "decided_on": "2025-03-31",
        },
    ),
    (
        "E",
        {
            "kind": "loan",
            "program": "marukei_loan",
            "applied_on": "2024-09-01",
            "result": "adopted",
            "decided_on": "2024-10-10",
        },
    ),  # a loan, not a subsidy
    ("E", {"kind": "subsidy", "program": "it_subsidy", "applied_on": "2024-09-01", "result": "applied"}),
]


def quarter(sales: int | None, gross: int | None = None, operating: int | None = None, **more: int) -> dict[str, Any]:
    figures = {"sales_actual": sales, "gross_profit_actual": gross, "operating_profit_actual": operating} | more
    return {name: value for name, value in figures.items() if value is not None}


A_2023 = quarter(10_000_000, 4_000_000, 1_000_000, employees=5, labor_cost=3_000_000, depreciation=500_000)
A_2024 = quarter(11_000_000, 4_620_000, 1_200_000, employees=5, labor_cost=3_100_000, depreciation=500_000)
E_2023 = quarter(6_000_000, 3_000_000, 300_000, employees=4, labor_cost=2_000_000, depreciation=100_000)
E_2024 = quarter(6_600_000, 3_168_000, 250_000, employees=4, labor_cost=2_000_000, depreciation=100_000)
# (business, fiscal year, quarter, figures)
FIGURES = [
    *[("A", 2023, q, A_2023) for q in (1, 2, 3, 4)],
    *[("A", 2024, q, A_2024) for q in (1, 2, 3, 4)],
    *[("B", 2023, q, quarter(8_000_000, 2_400_000, 450_000)) for q in (1, 2, 3, 4)],
    *[("B", 2024, q, quarter(7_800_000, 2_496_000, 500_000)) for q in (1, 2, 3)],
    ("B", 2024, 4, {"sales_target": 8_000_000}),  # not heard yet: no actuals
    *[("C", 2023, q, quarter(5_000_000, 1_500_000, -200_000)) for q in (1, 2)],
    *[("C", 2024, q, quarter(4_500_000, 1_400_000, -300_000)) for q in (1, 2)],
    ("D", 2023, 1, quarter(3_000_000)),
    ("D", 2024, 1, quarter(3_300_000)),
    *[("E", 2023, q, E_2023) for q in (1, 2, 3, 4)],
    *[("E", 2024, q, E_2024) for q in (1, 2, 3, 4)],
]


async def build_fixture(client: httpx.AsyncClient, business_payload: dict[str, Any]) -> dict[str, int]:
    async def created(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(path, json=body)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    # The first shared goal loads the scrubber's dictionary, slow on a busy machine.
    client.timeout = httpx.Timeout(60)
    ids = {}
    for key, name in NAMES.items():
        body = business_payload | {"name": name}
        body.pop("corporate_number")
        ids[key] = (await created("/api/v1/businesses", body))["id"]
    for key, held_on, channel in SESSIONS:
        body = {"held_on": held_on, "channel": channel, "approach": "dialogue", "attitude": "positive"}
        await created(f"/api/v1/businesses/{ids[key]}/sessions", body)
    for key, theme in GOALS:
        body = {
            "set_on": "2023-04-10",
            "category": "sales_channel",
            "text": "県外の新規顧客を開拓する",
            "plan_theme": theme,
        }
        await created(f"/api/v1/businesses/{ids[key]}/goals", body)
    for key, kind, occurred_on, count, verified in OUTCOMES:
        body = {"kind": kind, "occurred_on": occurred_on, "count": count, "verified": verified}
        await created(f"/api/v1/businesses/{ids[key]}/outcomes", body)
    for key, support in POLICY_SUPPORTS:
        await created(f"/api/v1/businesses/{ids[key]}/policy-supports", support)
    for key, fiscal_year, number, figures in FIGURES:
        response = await client.put(f"/api/v1/businesses/{ids[key]}/financials/{fiscal_year}/{number}", json=figures)
        assert response.status_code in (200, 201), response.text
    await created("/api/v1/plans", PLAN)
    return ids


# code: (target, actual, attainment %)
EXPECTED_KPIS = {
    # A, B (2025-03-31), C, E; not D (FY2023 only), nor B's 2024-03-31 nor E's 2025-04-01.
    "follow_up": (5, 4, 80.0),
    # A 3 + B 1 + C 2 + E 2 sessions held 2024-04-01..2025-03-31.
    "visits": (10, 8, 80.0),
    # Comparable quarters only. A: sales 44.0M > 40.0M. B: sales Q1–Q3 23.4M < 24.0M but operating profit
    # 1.5M > Q1–Q3 1.35M (against the whole FY2023, 1.8M, it would have read as a fall). C: sales 9.0M < 10.0M and
    # operating profit −0.6M < −0.4M: no. D: sales Q1 3.3M > 3.0M. E: sales 26.4M > 24.0M. → A, B, D, E.
    "growth": (2, 4, 200.0),
    # Distinct businesses with plan_formulated in FY2024: A, B (twice, counted once), D (no session, still counts).
    "plans": (3, 3, 100.0),
    # Verified only: A, B (its October one); D's is verbal.
    "plans_verified": (3, 2, 66.7),
    # Sum of counts: A 3; B's 5 is FY2023 (2024-03-31), E's 4 is FY2025 (2025-04-01).
    "partners": (5, 3, 60.0),
    # A's one deal_closed event with count 2.
    "deals": (4, 2, 50.0),
    # Subsidies adopted and decided in FY2024: A (2024-07-31), D (2025-03-31). Not B (decided 2024-03-29),
    # C (rejected), E's loan, E's pending application.
    "subsidies": (3, 2, 66.7),
    # Distinct businesses with a seminar session: A, C.
    "seminar": (6, 2, 33.3),
    # Sessions with channel expert: A, C.
    "experts": (2, 2, 100.0),
    # D's startup; the plan sets no 2024 target for it.
    "startups": (None, 1, None),
    # Sum of hire counts: A 1 (2025-03-31) + E 2.
    "hires": (3, 3, 100.0),
    # C's digital_tool with count 2.
    "digital": (4, 2, 50.0),
    # C's talent_matched.
    "talent": (1, 1, 100.0),
}

# code: (numerator, denominator, share %, met). Supported in FY2024: A, B, C, E.
EXPECTED_KGIS = {
    # Theme sales: A (code), B (title), E → 3. Gross margin over comparable quarters: A 42% > 40%; B Q1–Q3
    # 7.488M/23.4M = 32% > 30%; E 48% < 50%. → 2/3 = 66.7% ≥ 30%.
    "margin": (2, 3, 66.7, True),
    # Theme productivity: E → 1. E's 労働生産性 fell (Σ付加価値額 9.4M / 4 < 9.6M / 4) but E hired in FY2024.
    "productivity": (1, 1, 100.0, True),
    # Theme succession: A, C (D has no FY2024 session) → 2. C succession_executing; A none. 1/2 = 50% ≥ 50%.
    "succession": (1, 2, 50.0, True),
    # Theme sales: A, B, E. Sales rose at A and E; B fell over comparable quarters. 2/3 = 66.7% < 70%.
    "sales": (2, 3, 66.7, False),
}

# name: (quarters with sales, sales, gross profit, operating profit, 粗利率 %, 付加価値額, average employees,
#        労働生産性, YoY sales %, YoY gross profit %, YoY operating profit %)
EXPECTED_BENCHMARKS = {
    # 4 × (11.0M, 4.62M, 1.2M); 付加価値額 4 × (1.2M + 3.1M + 0.5M) = 19.2M over 5 people; YoY vs 40M/16M/4M.
    "漆器工房A": (4, 44_000_000, 18_480_000, 4_800_000, 42.0, 19_200_000, 5.0, 3_840_000, 10.0, 15.5, 20.0),
    # Q1–Q3 only; YoY over Q1–Q3: 23.4M vs 24.0M, 7.488M vs 7.2M, 1.5M vs 1.35M. No labour cost: no 付加価値額.
    "酒造B": (3, 23_400_000, 7_488_000, 1_500_000, 32.0, None, None, None, -2.5, 4.0, 11.1),
    # 2.8M / 9.0M = 31.1%; −0.6M vs −0.4M is a 50% worse loss.
    "旅館C": (2, 9_000_000, 2_800_000, -600_000, 31.1, None, None, None, -10.0, -6.7, -50.0),
    "九谷焼窯元D": (1, 3_300_000, None, None, None, None, None, None, 10.0, None, None),
    # 付加価値額 4 × (0.25M + 2.0M + 0.1M) = 9.4M over 4 people; YoY 26.4M/24M, 12.672M/12M, 1.0M/1.2M.
    "食品製造E": (4, 26_400_000, 12_672_000, 1_000_000, 48.0, 9_400_000, 4.0, 2_350_000, 10.0, 5.6, -16.7),
}
BENCHMARK_FIELDS = (
    "quarters_reported",
    "sales",
    "gross_profit",
    "operating_profit",
    "gross_margin_percent",
    "value_added",
    "average_employees",
    "labor_productivity",
    "sales_change_percent",
    "gross_profit_change_percent",
    "operating_profit_change_percent",
)


@pytest.fixture
async def fiscal_year_2024(client, business_payload) -> dict[str, int]:
    return await build_fixture(client, business_payload)


async def test_every_kpi_kgi_and_benchmark_of_the_year(client, fiscal_year_2024):
    response = await client.get("/api/v1/reports/annual/2024")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["organization"] == {
        "org_id": "kaga-society",
        "name": "加賀商工会",
        "kind": "society",
        "kind_label": "商工会",
    }
    assert (report["fiscal_year"], report["fiscal_year_label"], report["fiscal_year_code"]) == (
        2024,
        "令和6年度",
        "FY2024",
    )
    assert (report["period_starts_on"], report["period_ends_on"]) == ("2024-04-01", "2025-03-31")
    assert report["plan"]["title"] == "第2期 経営発達支援計画"

    kpis = {kpi["code"]: (kpi["target"], kpi["actual"], kpi["attainment_percent"]) for kpi in report["kpis"]}
    assert kpis == EXPECTED_KPIS
    assert [kpi["code"] for kpi in report["kpis"]] == [kpi["code"] for kpi in PLAN["kpis"]]
    assert report["kpis"][0]["measure_label"] == "フォローアップ対象事業者数"

    kgis = {
        kgi["code"]: (kgi["numerator"], kgi["denominator"], kgi["share_percent"], kgi["met"]) for kgi in report["kgis"]
    }
    assert kgis == EXPECTED_KGIS
    assert {kgi["denominator_basis"] for kgi in report["kgis"]} == {"theme"}
    assert report["kgis"][0]["theme_title"] == "販路開拓による売上拡大"
    assert report["kgis"][0]["condition_label"] == "粗利率が改善した企業割合"

    benchmarks = {row["business_name"]: tuple(row[name] for name in BENCHMARK_FIELDS) for row in report["benchmarks"]}
    assert benchmarks == EXPECTED_BENCHMARKS


async def test_the_previous_year_counts_its_own_records(client, fiscal_year_2024):
    """FY2023 lies outside the plan: it is reported only when asked for by plan_id; its KPIs use FY2023 records."""
    assert (await client.get("/api/v1/reports/annual/2023")).status_code == 404
    plan_id = (await client.get("/api/v1/plans")).json()["items"][0]["id"]
    report = (await client.get("/api/v1/reports/annual/2023", params={"plan_id": plan_id})).json()
    kpis = {kpi["code"]: (kpi["target"], kpi["actual"]) for kpi in report["kpis"]}
    # B (2024-03-31) and D (2023-10-01): two sessions of two businesses; B's new_partner 5 on 2024-03-31;
    # B's subsidy decided 2024-03-29. No FY2022 figures, so nothing rose.
    assert kpis["follow_up"] == (None, 2)
    assert kpis["visits"] == (None, 2)
    assert kpis["partners"] == (None, 5)
    assert kpis["subsidies"] == (None, 1)
    assert kpis["growth"] == (None, 0)
    # Supported B and D carry plan themes (B: sales by title, D: succession). Sales theme: B alone, no FY2022.
    kgis = {
        kgi["code"]: (kgi["numerator"], kgi["denominator"], kgi["share_percent"], kgi["met"]) for kgi in report["kgis"]
    }
    assert kgis["margin"] == (0, 1, 0.0, False)
    assert kgis["productivity"] == (0, 0, None, False)
    assert kgis["succession"] == (0, 1, 0.0, False)


async def test_without_themed_goals_every_supported_business_is_counted(client, business_payload):
    business = (await client.post("/api/v1/businesses", json=business_payload)).json()
    session = {"held_on": "2024-06-01", "channel": "visit", "approach": "listening", "attitude": "passive"}
    await client.post(f"/api/v1/businesses/{business['id']}/sessions", json=session)
    for fiscal_year, sales in ((2023, 1_000_000), (2024, 1_200_000)):
        await client.put(
            f"/api/v1/businesses/{business['id']}/financials/{fiscal_year}/2", json={"sales_actual": sales}
        )
    await client.post("/api/v1/plans", json=PLAN)
    report = (await client.get("/api/v1/reports/annual/2024")).json()
    sales = next(kgi for kgi in report["kgis"] if kgi["code"] == "sales")
    # No goal names a theme: the one supported business is the denominator, and its sales rose.
    assert (sales["numerator"], sales["denominator"], sales["share_percent"], sales["met"]) == (1, 1, 100.0, True)
    assert sales["denominator_basis"] == "all_supported"


async def test_a_year_without_a_plan_is_404_with_a_clear_message(client, records_stub):
    response = await client.get("/api/v1/reports/annual/2026")
    assert response.status_code == 404
    message = response.json()["detail"][0]["msg"]
    assert "令和8年度" in message and "FY2026" in message and "経営発達支援計画" in message
    assert (await client.get("/api/v1/reports/annual/2026", params={"plan_id": 999})).status_code == 404
    assert (await client.get("/api/v1/reports/annual/1800")).status_code == 422
    assert (await client.get("/api/v1/reports/annual/2026", params={"format": "pdf"})).status_code == 422


async def test_workbook_has_japanese_sheets_headings_and_the_same_values(client, fiscal_year_2024):
    response = await client.get("/api/v1/reports/annual/2024", params={"format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    # 令和6年度 経営発達支援計画 実績報告書（加賀商工会）.xlsx, percent-encoded as UTF-8 (RFC 5987).
    assert "filename*=UTF-8''%E4%BB%A4%E5%92%8C6%E5%B9%B4%E5%BA%A6" in disposition

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["KPI実績", "KGI", "事業者別ベンチマーク"]
    title = "令和6年度 経営発達支援計画 実績報告書（加賀商工会）"

    kpi_sheet = workbook["KPI実績"]
    assert kpi_sheet["A1"].value == title
    assert [cell.value for cell in kpi_sheet[3]] == ["コード", "KPI", "測定項目", "目標", "実績", "達成率"]
    kpi_rows = {row[0]: tuple(row[3:6]) for row in kpi_sheet.iter_rows(min_row=4, values_only=True)}
    assert kpi_rows == EXPECTED_KPIS
    assert kpi_sheet["F4"].number_format == '0.0"%"'
    assert kpi_sheet.column_dimensions["B"].width == 36

    kgi_sheet = workbook["KGI"]
    assert kgi_sheet["A1"].value == title
    assert [cell.value for cell in kgi_sheet[3]] == [
        "コード",
        "KGI",
        "テーマ",
        "達成条件",
        "該当事業者数",
        "対象事業者数",
        "割合",
        "目標割合",
        "達成",
    ]
    kgi_rows = {
        row[0]: (row[4], row[5], row[6], row[8] == "達成") for row in kgi_sheet.iter_rows(min_row=4, values_only=True)
    }
    assert kgi_rows == EXPECTED_KGIS
    assert kgi_sheet["C4"].value == "販路開拓による売上拡大"

    benchmark_sheet = workbook["事業者別ベンチマーク"]
    assert benchmark_sheet["A1"].value == title
    assert [cell.value for cell in benchmark_sheet[3]][:6] == [
        "事業者",
        "実績四半期数",
        "売上高",
        "売上総利益",
        "営業利益",
        "粗利率",
    ]
    benchmark_rows = {row[0]: tuple(row[1:]) for row in benchmark_sheet.iter_rows(min_row=4, values_only=True)}
    assert benchmark_rows == EXPECTED_BENCHMARKS
    assert benchmark_sheet["C4"].number_format == '#,##0"円";[Red]-#,##0"円"'
    assert benchmark_sheet["F4"].number_format == '0.0"%"'


async def test_grpc_report_matches_rest_and_carries_the_workbook(client, grpc_channel, fiscal_year_2024):
    stub = plans_pb2_grpc.PlanServiceStub(grpc_channel)
    answer = await stub.GetAnnualReport(plans_pb2.GetAnnualReportRequest(fiscal_year=2024))
    assert not answer.HasField("xlsx")
    with_workbook = await stub.GetAnnualReport(
        plans_pb2.GetAnnualReportRequest(fiscal_year=2024, format=plans_pb2.REPORT_FORMAT_XLSX)
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.GetAnnualReport(plans_pb2.GetAnnualReportRequest(fiscal_year=2029))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    report = answer.report
    assert (report.fiscal_year_label, report.fiscal_year_code, report.org_name) == ("令和6年度", "FY2024", "加賀商工会")
    kpis = {
        kpi.code: (
            kpi.target if kpi.HasField("target") else None,
            kpi.actual,
            kpi.attainment_percent if kpi.HasField("attainment_percent") else None,
        )
        for kpi in report.kpis
    }
    assert kpis == EXPECTED_KPIS
    kgis = {kgi.code: (kgi.numerator, kgi.denominator, kgi.share_percent, kgi.met) for kgi in report.kgis}
    assert kgis == EXPECTED_KGIS
    benchmarks = {
        row.business_name: (
            row.quarters_reported,
            *(getattr(row, name) if row.HasField(name) else None for name in BENCHMARK_FIELDS[1:]),
        )
        for row in report.benchmarks
    }
    assert benchmarks == EXPECTED_BENCHMARKS
    assert load_workbook(io.BytesIO(with_workbook.xlsx)).sheetnames == ["KPI実績", "KGI", "事業者別ベンチマーク"]
