"""GET /api/v1/tables and /api/v1/tables/{name}: records on the wire → suppressed rows, per caller, as JSON, CSV
and Excel with Japanese headings."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from analytics.db import MIGRATIONS
from analytics.outcome_record.events import decode_outcome_record
from analytics.outcome_record.service import outcome_record_service
from banso_core.db import Database
from banso_core.messaging import outcome_subject

from .conftest import DELETE, HAKUI, KANAZAWA, NANAO, PREFECTURE, outcome_record

pytestmark = pytest.mark.postgres


async def publish_register(wire) -> list[str]:
    """金沢: 4 businesses, 七尾: 3, 羽咋 (商工会): 2 — each one record in FY2025 Q1 with two listening sessions."""
    refs = []
    for org, size in ((KANAZAWA, 4), (NANAO, 3), (HAKUI, 2)):
        for index in range(size):
            ref = wire.new_ref()
            refs.append(ref)
            await wire.publish_record(
                outcome_record(
                    ref, org_id=org, jsic_major="E", employee_band="6-20",
                    sessions_by_approach={"listening": 2}, sessions_by_attitude={"positive": 2},
                    sessions_by_approach_attitude={"listening/positive": 2},
                    goals_achieved_by_category={"digital": 1} if index == 0 else {},
                    sales_yoy_percent=float(10 * (index + 1)),
                )
            )  # fmt: skip
    await wire.settled()
    return refs


@pytest.fixture
async def analytics3(start_analytics):
    return await start_analytics(min_businesses=3)


async def test_tables_are_listed_with_japanese_headings(analytics3):
    response = await analytics3.get("/api/v1/tables")
    assert response.status_code == 200
    body = response.json()
    names = [item["name"] for item in body["items"]]
    assert names == [
        "goals-by-category", "approach-attitude", "attitude-shift", "policy-support", "outcomes", "org-vs-prefecture",
    ]  # fmt: skip
    assert body["min_businesses"] == 3
    org_vs = body["items"][-1]
    assert org_vs["title"] == "団体と県全体の比較" and org_vs["dimensions"][0]["heading"] == "団体"


async def test_prefecture_staff_see_every_organization_suppressed(analytics3, wire):
    refs = await publish_register(wire)
    table = await analytics3.table("org-vs-prefecture", PREFECTURE)
    rows = {row["org"]: row for row in table["rows"]}
    assert set(rows) == {KANAZAWA, NANAO, HAKUI, "total"}
    assert (rows[KANAZAWA]["businesses"], rows[KANAZAWA]["sessions"], rows[KANAZAWA]["suppressed"]) == (4, 8, False)
    assert rows[KANAZAWA]["org_label"] == "金沢商工会議所" and rows["total"]["org_label"] == "県全体"
    # 羽咋 rests on 2 < 3; 七尾 (3) is hidden as its complement, else total − 金沢 − 七尾 = 羽咋.
    for org in (NANAO, HAKUI):
        assert rows[org]["suppressed"] is True and rows[org]["businesses"] is None and rows[org]["sessions"] is None
    assert (rows["total"]["businesses"], rows["total"]["sessions"]) == (9, 18)
    assert rows["total"]["mean_sales_yoy_percent"] == 21.1  # (10+20+30+40 + 10+20+30 + 10+20) / 9 = 190 / 9
    assert rows["total"]["fiscal_year_label"] == "令和7年度"
    text = (await analytics3.get("/api/v1/tables/org-vs-prefecture", PREFECTURE)).text
    assert not any(ref in text for ref in refs)  # pseudonyms never leave


async def test_an_organization_sees_itself_next_to_the_prefecture(analytics3, wire):
    await publish_register(wire)
    table = await analytics3.table("org-vs-prefecture", KANAZAWA)
    assert [row["org"] for row in table["rows"]] == [KANAZAWA, "total"]
    # Its own rows are suppressed as in the prefecture's table: 七尾 sees itself hidden.
    nanao = await analytics3.table("org-vs-prefecture", NANAO)
    assert [(row["org"], row["suppressed"]) for row in nanao["rows"]] == [(NANAO, True), ("total", False)]
    refused = await analytics3.get("/api/v1/tables/org-vs-prefecture", KANAZAWA, org=NANAO)
    assert refused.status_code == 403
    own = await analytics3.table("org-vs-prefecture", KANAZAWA, org="total")
    assert [row["org"] for row in own["rows"]] == ["total"]


async def test_filters_narrow_the_businesses_counted(analytics3, wire):
    await publish_register(wire)
    cci = await analytics3.table("org-vs-prefecture", PREFECTURE, org_kind="cci")
    rows = {row["org"]: row for row in cci["rows"]}
    assert set(rows) == {KANAZAWA, NANAO, "total"} and rows["total"]["businesses"] == 7
    assert rows["total"]["org_label"] == "県全体（商工会議所）"
    assert (await analytics3.table("org-vs-prefecture", PREFECTURE, fiscal_year=2024))["rows"] == []
    assert (await analytics3.table("org-vs-prefecture", PREFECTURE, jsic_major="A"))["rows"] == []
    digital = await analytics3.table("org-vs-prefecture", PREFECTURE, category="digital")
    assert {row["org"]: row["businesses"] for row in digital["rows"]} == {
        KANAZAWA: None, NANAO: None, HAKUI: None, "total": 3,
    }  # fmt: skip


async def test_without_a_member_token_nothing_is_shown(analytics3):
    assert (await analytics3.get("/api/v1/tables", caller=None)).status_code == 401
    assert (await analytics3.get("/api/v1/tables/outcomes", caller=None)).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fiscal_year": 1999}, "fiscal_year"),
        ({"fiscal_quarter": 5}, "fiscal_quarter"),
        ({"org_kind": "bank"}, "org_kind"),
        ({"jsic_major": "Z"}, "jsic_major"),
        ({"employee_band": "7-9"}, "employee_band"),
        ({"category": "space"}, "category"),
        ({"theme": "a b"}, "theme"),
        ({"format": "pdf"}, "format"),
        ({"org": "nobody"}, "org"),
    ],
)
async def test_bad_filters_are_refused_naming_the_field(analytics3, params, field):
    response = await analytics3.get("/api/v1/tables/outcomes", PREFECTURE, **params)
    assert response.status_code == 422, response.text
    assert any(field in item["loc"] for item in response.json()["detail"])


async def test_an_unknown_table_is_not_found(analytics3):
    assert (await analytics3.get("/api/v1/tables/salaries", PREFECTURE)).status_code == 404


async def test_csv_opens_in_excel_with_japanese_headings_and_marks_suppression(analytics3, wire):
    await publish_register(wire)
    response = await analytics3.get("/api/v1/tables/org-vs-prefecture", PREFECTURE, format="csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["年度", "団体", "事業者数", "支援回数"] and rows[0][-1] == "秘匿"
    by_org = {row[1]: row for row in rows[1:5]}
    assert by_org["金沢商工会議所"][2:4] == ["4", "8"]
    assert by_org["羽咋商工会"][2:4] == ["x", "x"] and by_org["羽咋商工会"][-1] == "秘匿"
    assert by_org["県全体"][:4] == ["令和7年度", "県全体", "9", "18"]


async def test_xlsx_has_the_same_rows(analytics3, wire):
    await publish_register(wire)
    response = await analytics3.get("/api/v1/tables/org-vs-prefecture", PREFECTURE, format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "団体と県全体の比較" and values[2][:3] == ["年度", "団体", "事業者数"]
    by_org = {row[1]: row for row in values[3:7]}
    assert by_org["金沢商工会議所"][2:4] == [4, 8] and by_org["七尾商工会議所"][2] == "x"


async def test_tables_follow_records_after_a_read_and_records_written_by_another_process(
    analytics3, wire, database_url
):
    refs = await publish_register(wire)
    assert (await analytics3.table("org-vs-prefecture"))["rows"][-1]["sessions"] == 18  # 9 businesses × 2
    # An upsert replaces the business-quarter's row; a tombstone takes the business out.
    first, second = refs[0], refs[1]
    await wire.publish_record(outcome_record(first, version=2, jsic_major="E", sessions_by_approach={"listening": 7}))
    await wire.publish_record(outcome_record(second, version=2, op=DELETE))
    await wire.settled()
    total = (await analytics3.table("org-vs-prefecture"))["rows"][-1]
    assert (total["org"], total["businesses"], total["sessions"]) == ("total", 8, 18 - 2 + 7 - 2)
    # A record the store gained from elsewhere (another process on the same database) is counted too.
    database = await Database.open(database_url, migrations=MIGRATIONS)
    try:
        async with database.session() as session:
            incoming = decode_outcome_record(
                outcome_subject(HAKUI, "elsewhere", 2025, 1),
                outcome_record("elsewhere", org_id=HAKUI, sessions_by_approach={"listening": 4}).SerializeToString(),
            )
            await outcome_record_service.ingest(session, [incoming])
            await session.commit()
    finally:
        await database.close()
    total = (await analytics3.table("org-vs-prefecture"))["rows"][-1]
    assert (total["businesses"], total["sessions"]) == (9, 21 + 4)
