"""出力: businesses and goals in the import layout, so that an export imports back unchanged."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import openpyxl
import pytest

from org_records.business.models import Business
from org_records.goal.models import Goal
from org_records.transfer.schemas import BUSINESS_COLUMNS, GOAL_COLUMNS

BUSINESS_HEADERS = [column.header for column in BUSINESS_COLUMNS]
GOAL_HEADERS = [column.header for column in GOAL_COLUMNS]

REGISTER = (
    "事業者コード,事業者名,フリガナ,事業形態,業種大分類,業種中分類,従業員数,資本金,設立日,会員区分,被災事業者,"
    "支援段階,共有同意\r\n"
    "K001,有限会社加賀漆器工房,カガシッキコウボウ,法人,E,32,4,3000000,昭和50年4月1日,会員,○,伴走支援中,はい\r\n"
    'K002,"旅館はなや, 山中温泉",,個人事業主,M,75,12,,,非会員,いいえ,卒業,いいえ\r\n'
)
GOALS = (
    "事業者コード,設定日,目標カテゴリ,目標,支援状況,達成日,計画テーマ,共有\r\n"
    "K001,R8.4.10,販路開拓・マーケティング,ECサイトで県外の新規顧客を開拓する,達成,2026/9/30,販路開拓,はい\r\n"
    'K002,2026-05-01,災害復旧・BCP,"客室の改装 (能登半島地震)",支援中,,,いいえ\r\n'
)


@pytest.fixture
async def register(import_file):
    for content in (REGISTER, GOALS):
        job = await import_file(content.encode("cp932"), "register.csv")
        assert job["status"] == "succeeded", job["errors"]


def rows_of_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_business_export_is_the_import_layout_with_japanese_labels(client, register):
    response = await client.get("/api/v1/exports/businesses", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded).startswith("事業者_") and encoded.endswith(".csv")
    assert encoded.isascii()
    content = response.content
    assert content.decode("utf-8-sig").splitlines()[0].split(",") == BUSINESS_HEADERS
    kaga, hanaya = rows_of_csv(content)
    assert kaga["事業者コード"] == "K001"
    assert (kaga["事業形態"], kaga["支援段階"], kaga["会員区分"]) == ("法人", "伴走支援中", "会員")
    assert (kaga["被災事業者"], kaga["共有同意"], kaga["設立日"]) == ("はい", "はい", "1975-04-01")
    assert (kaga["業種大分類"], kaga["業種中分類"], kaga["資本金"]) == ("E", "32", "3000000")
    assert (hanaya["事業者名"], hanaya["支援段階"], hanaya["資本金"]) == ("旅館はなや, 山中温泉", "卒業", "")


async def test_goal_export_names_businesses_by_code(client, register):
    response = await client.get("/api/v1/exports/goals", params={"format": "csv"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E7%9B%AE%E6%A8%99_" in response.headers["content-disposition"]
    ec, rooms = rows_of_csv(response.content)
    assert (ec["事業者コード"], ec["設定日"], ec["目標カテゴリ"]) == ("K001", "2026-04-10", "販路開拓・マーケティング")
    assert (ec["支援状況"], ec["達成日"], ec["共有"], ec["計画テーマ"]) == ("達成", "2026-09-30", "はい", "販路開拓")
    assert (rooms["事業者コード"], rooms["支援状況"], rooms["達成日"], rooms["共有"]) == (
        "K002",
        "支援中",
        "",
        "いいえ",
    )


async def test_xlsx_export_opens_with_japanese_headers(client, register):
    response = await client.get("/api/v1/exports/businesses", params={"format": "xlsx"})
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["事業者"]
    rows = list(book["事業者"].iter_rows(values_only=True))
    assert list(rows[0]) == BUSINESS_HEADERS
    assert rows[1][:2] == ("K001", "有限会社加賀漆器工房")
    assert rows[1][BUSINESS_HEADERS.index("従業員数")] == 4


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
async def test_an_export_imports_back_unchanged(
    client, register, import_file, count_rows, file_format, count_goal_messages
):
    params = {"format": file_format}
    businesses = (await client.get("/api/v1/exports/businesses", params=params)).content
    goals = (await client.get("/api/v1/exports/goals", params=params)).content
    counts = [*[await count_rows(model) for model in (Business, Goal)], await count_goal_messages()]

    for content, name in ((businesses, f"businesses.{file_format}"), (goals, f"goals.{file_format}")):
        job = await import_file(content, name)
        assert job["status"] == "succeeded", job["errors"]
        assert job["summary"]["businesses_created"] == job["summary"]["businesses_updated"] == 0
        assert job["summary"]["goals_created"] == job["summary"]["goals_updated"] == 0

    assert [*[await count_rows(model) for model in (Business, Goal)], await count_goal_messages()] == counts
    again = (await client.get("/api/v1/exports/businesses", params=params)).content
    goals_again = (await client.get("/api/v1/exports/goals", params=params)).content
    if file_format == "csv":
        assert (again, goals_again) == (businesses, goals)
    else:
        for first, second in ((businesses, again), (goals, goals_again)):
            first_rows = list(openpyxl.load_workbook(io.BytesIO(first)).worksheets[0].values)
            assert first_rows == list(openpyxl.load_workbook(io.BytesIO(second)).worksheets[0].values)


async def test_businesses_without_a_code_round_trip_by_their_id(
    client, business, goal_payload, import_file, count_rows
):
    """Records made through the API have no 事業者コード; the export names them `<org_id>#<id>`."""
    created = await client.post(f"/api/v1/businesses/{business['id']}/goals", json=goal_payload)
    assert created.status_code == 201
    businesses = (await client.get("/api/v1/exports/businesses")).content
    goals = (await client.get("/api/v1/exports/goals")).content
    code = f"kaga-society#{business['id']}"
    assert rows_of_csv(businesses)[0]["事業者コード"] == code
    assert rows_of_csv(goals)[0]["事業者コード"] == code

    edited = businesses.decode("utf-8-sig").replace("有限会社加賀漆器工房", "有限会社加賀漆器工房 本店")
    job = await import_file(edited.encode("utf-8-sig"), "edited.csv")
    assert job["status"] == "succeeded", job["errors"]
    assert job["summary"]["businesses_updated"] == 1
    job = await import_file(goals, "goals.csv")
    assert job["summary"]["goals_unchanged"] == 1
    assert (await count_rows(Business), await count_rows(Goal)) == (1, 1)
    fetched = (await client.get(f"/api/v1/businesses/{business['id']}")).json()
    assert (fetched["name"], fetched["external_code"], fetched["version"]) == ("有限会社加賀漆器工房 本店", None, 2)


async def test_export_of_an_empty_register_is_headers_only(client):
    response = await client.get("/api/v1/exports/goals", params={"format": "csv"})
    assert response.content.decode("utf-8-sig").strip().split(",") == GOAL_HEADERS


async def test_unknown_export_format_is_422(client):
    response = await client.get("/api/v1/exports/businesses", params={"format": "pdf"})
    assert response.status_code == 422


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
async def test_text_that_looks_like_a_formula_stays_text(client, business_payload, import_file, file_format):
    """=, +, -, @ would make Excel run the cell; the export keeps it text, and the import reads it back as written."""
    payload = business_payload | {"name": '=HYPERLINK("http://evil.example","開く")', "phone": "+81-761-78-0001"}
    business = (await client.post("/api/v1/businesses", json=payload)).json()
    content = (await client.get("/api/v1/exports/businesses", params={"format": file_format})).content
    if file_format == "csv":
        (row,) = rows_of_csv(content)
        assert (row["事業者名"], row["電話番号"]) == ("'" + payload["name"], "'+81-761-78-0001")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        cell = sheet.cell(row=2, column=BUSINESS_HEADERS.index("事業者名") + 1)
        assert (cell.value, cell.data_type) == (payload["name"], "s")
    job = await import_file(content, f"export.{file_format}")
    assert job["summary"]["businesses_unchanged"] == 1, job
    fetched = (await client.get(f"/api/v1/businesses/{business['id']}")).json()
    assert (fetched["name"], fetched["phone"]) == (payload["name"], "+81-761-78-0001")
