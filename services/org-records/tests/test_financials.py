"""四半期モニタリング: one row per business and fiscal quarter, replaced by PUT, with derived figures."""

from __future__ import annotations

import datetime as dt

import pytest

from org_records.financials.models import QuarterlyFinancials
from org_records.fiscal import (
    FiscalQuarter,
    fiscal_year_code,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
    quarter_label,
    quarter_of,
    quarter_range,
    today_in_japan,
)

FIGURES = {
    "sales_target": 12_000_000,
    "sales_actual": 10_000_000,
    "gross_profit_target": 4_800_000,
    "gross_profit_actual": 3_500_000,
    "operating_profit_target": 600_000,
    "operating_profit_actual": -200_000,
    "ordinary_profit_target": 500_000,
    "ordinary_profit_actual": -250_000,
    "employees": 4,
    "labor_cost": 2_400_000,
    "depreciation": 300_000,
    "existing_customer_sales": 7_000_000,
}
PAST = "2025/1"
"""令和7年度 第1四半期 (2025-04-01..06-30): always begun."""


def _url(business, period=PAST):
    return f"/api/v1/businesses/{business['id']}/financials/{period}"


def _next_fiscal_year() -> int:
    return fiscal_year_of(today_in_japan()) + 1


@pytest.mark.parametrize(
    ("day", "fiscal_year", "quarter"),
    [
        (dt.date(2026, 4, 1), 2026, 1),
        (dt.date(2026, 6, 30), 2026, 1),
        (dt.date(2026, 7, 1), 2026, 2),
        (dt.date(2026, 12, 31), 2026, 3),
        (dt.date(2027, 1, 1), 2026, 4),
        (dt.date(2027, 3, 31), 2026, 4),
        (dt.date(2027, 4, 1), 2027, 1),
    ],
)
def test_fiscal_year_and_quarter_of_a_day(day, fiscal_year, quarter):
    assert fiscal_year_of(day) == fiscal_year
    assert quarter_of(day) == quarter
    assert FiscalQuarter.of(day) == FiscalQuarter(fiscal_year, quarter)
    assert FiscalQuarter.of(day).starts_on <= day <= FiscalQuarter.of(day).ends_on


def test_fiscal_ranges_and_labels():
    assert fiscal_year_range(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert quarter_range(2026, 1) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert quarter_range(2026, 2) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert quarter_range(2026, 3) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter_range(2027, 4) == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    assert fiscal_year_label(2026) == "令和8年度"
    assert fiscal_year_label(2019) == "令和元年度"
    assert fiscal_year_label(2018) == "平成30年度"
    assert fiscal_year_code(2026) == "FY2026"
    assert quarter_label(2026, 4) == "令和8年度 第4四半期"
    with pytest.raises(ValueError, match="quarter"):
        FiscalQuarter(2026, 5)
    with pytest.raises(ValueError, match="fiscal year"):
        FiscalQuarter(1999, 1)


pytestmark = pytest.mark.postgres


async def test_put_creates_then_replaces_with_derived_figures(client, business, count_rows):
    created = await client.put(_url(business), json=FIGURES)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["ETag"] == '"1"'
    assert (body["fiscal_year"], body["quarter"], body["version"]) == (2025, 1, 1)
    assert body["fiscal_year_label"] == "令和7年度"
    assert body["fiscal_year_code"] == "FY2025"
    assert body["quarter_label"] == "令和7年度 第1四半期"
    assert {name: body[name] for name in FIGURES} == FIGURES
    assert body["gross_margin"] == pytest.approx(3_500_000 / 10_000_000)
    assert body["gross_margin_target"] == pytest.approx(4_800_000 / 12_000_000)
    value_added = -200_000 + 2_400_000 + 300_000
    assert body["value_added"] == value_added == 2_500_000
    assert body["labor_productivity"] == pytest.approx(2_500_000 / 4)
    assert body["existing_customer_sales_ratio"] == pytest.approx(0.7)

    again = await client.put(_url(business), json=FIGURES)
    assert again.status_code == 200
    assert again.json()["version"] == 1
    assert again.json()["updated_at"] == body["updated_at"]

    replaced = await client.put(_url(business), json={"sales_target": 13_000_000})
    assert replaced.status_code == 200
    assert replaced.json()["version"] == 2
    assert replaced.json()["sales_target"] == 13_000_000
    assert replaced.json()["sales_actual"] is None
    assert replaced.json()["gross_margin"] is None
    assert await count_rows(QuarterlyFinancials) == 1

    fetched = await client.get(_url(business))
    assert fetched.json() == replaced.json()
    assert fetched.headers["ETag"] == '"2"'


async def test_derived_figures_are_null_when_they_cannot_be_computed(client, business):
    body = (
        await client.put(
            _url(business),
            json={
                "sales_actual": 0,
                "gross_profit_actual": 0,
                "operating_profit_actual": 100,
                "employees": 0,
                "labor_cost": 50,
                "depreciation": 10,
                "existing_customer_sales": 0,
            },
        )
    ).json()
    assert body["gross_margin"] is None
    assert body["existing_customer_sales_ratio"] is None
    assert body["value_added"] == 160
    assert body["labor_productivity"] is None
    partial = (await client.put(_url(business), json={"operating_profit_actual": 100, "employees": 3})).json()
    assert partial["value_added"] is None
    assert partial["labor_productivity"] is None
    assert partial["gross_margin_target"] is None


async def test_list_answers_every_quarter_oldest_first(client, business):
    for period in ("2025/3", "2024/4", "2025/1"):
        assert (await client.put(_url(business, period), json={"sales_target": 1})).status_code == 201
    listed = (await client.get(f"/api/v1/businesses/{business['id']}/financials")).json()
    assert [(item["fiscal_year"], item["quarter"]) for item in listed["items"]] == [(2024, 4), (2025, 1), (2025, 3)]
    assert listed["next_cursor"] is None
    assert (await client.get("/api/v1/businesses/999/financials")).status_code == 404


async def test_version_conflicts_answer_409(client, business):
    assert (await client.put(_url(business), json=FIGURES, headers={"If-Match": '"1"'})).status_code == 409
    await client.put(_url(business), json=FIGURES)
    assert (await client.put(_url(business), json=FIGURES | {"version": 2})).status_code == 409
    assert (await client.put(_url(business), json={"sales_target": 1}, headers={"If-Match": '"7"'})).status_code == 409
    matched = await client.put(_url(business), json={"sales_target": 1}, headers={"If-Match": 'W/"1"'})
    assert matched.status_code == 200
    assert matched.json()["version"] == 2
    assert (await client.put(_url(business), json={"version": 2, "sales_target": 2})).json()["version"] == 3
    assert (await client.put(_url(business), json={}, headers={"If-Match": "latest"})).status_code == 422
    disagreeing = await client.put(_url(business), json={"version": 3}, headers={"If-Match": "2"})
    assert disagreeing.status_code == 422
    assert (await client.delete(_url(business), headers={"If-Match": '"2"'})).status_code == 409
    assert (await client.delete(_url(business), headers={"If-Match": '"3"'})).status_code == 204


async def test_delete_and_missing_quarters(client, business, count_rows):
    await client.put(_url(business), json=FIGURES)
    assert (await client.delete(_url(business))).status_code == 204
    assert await count_rows(QuarterlyFinancials) == 0
    assert (await client.get(_url(business))).status_code == 404
    assert (await client.delete(_url(business))).status_code == 404
    assert (await client.put(f"/api/v1/businesses/999/financials/{PAST}", json=FIGURES)).status_code == 404


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ("2025/0", "quarter"),
        ("2025/5", "quarter"),
        ("1999/1", "fiscal_year"),
        ("2101/1", "fiscal_year"),
        ("2025/1.5", "quarter"),
        ("FY2025/1", "fiscal_year"),
    ],
)
async def test_bad_period_is_422(client, business, count_rows, period, field):
    response = await client.put(_url(business, period), json=FIGURES)
    assert response.status_code == 422, response.text
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert await count_rows(QuarterlyFinancials) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sales_actual": 1.5}, "sales_actual"),
        ({"sales_actual": 100.0}, "sales_actual"),
        ({"sales_target": "100"}, "sales_target"),
        ({"sales_target": True}, "sales_target"),
        ({"sales_actual": -1}, "sales_actual"),
        ({"labor_cost": -1}, "labor_cost"),
        ({"depreciation": -5}, "depreciation"),
        ({"existing_customer_sales": -1}, "existing_customer_sales"),
        ({"employees": -1}, "employees"),
        ({"employees": 2.5}, "employees"),
        ({"operating_profit_actual": "-3"}, "operating_profit_actual"),
        ({"ordinary_profit_target": 10**16}, "ordinary_profit_target"),
        ({"gross_profit_actual": 10_000_001}, "body"),
        ({"existing_customer_sales": 10_000_001}, "body"),
        ({"revenue": 1}, "revenue"),
    ],
)
async def test_bad_figures_are_422_with_the_field(client, business, count_rows, change, field):
    response = await client.put(_url(business), json=FIGURES | change)
    assert response.status_code == 422, response.text
    assert field in [str(part) for error in response.json()["detail"] for part in error["loc"]]
    assert await count_rows(QuarterlyFinancials) == 0


async def test_losses_are_negative_profits(client, business):
    response = await client.put(
        _url(business), json={"gross_profit_actual": -10, "operating_profit_target": -5, "sales_actual": 0}
    )
    assert response.status_code == 201
    assert response.json()["gross_profit_actual"] == -10


async def test_actuals_of_a_quarter_not_yet_begun_are_refused_but_targets_are_not(client, business, count_rows):
    future = f"{_next_fiscal_year()}/1"
    refused = await client.put(_url(business, future), json={"sales_target": 1, "sales_actual": 1})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "sales_actual"
    headcount = await client.put(_url(business, future), json={"employees": 3})
    assert headcount.status_code == 422
    assert await count_rows(QuarterlyFinancials) == 0
    targets = {name: value for name, value in FIGURES.items() if name.endswith("_target")}
    accepted = await client.put(_url(business, future), json=targets)
    assert accepted.status_code == 201
    assert accepted.json()["gross_margin_target"] == pytest.approx(0.4)
