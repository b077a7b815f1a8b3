"""取込: businesses and goals from CSV and Excel, validated like the API, all-or-nothing, as polled jobs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from org_records.business.models import Business
from org_records.goal.models import Goal
from org_records.outbox.models import OutboxMessage
from org_records.transfer.schemas import BUSINESS_COLUMNS, GOAL_COLUMNS, CellError, read_date

BUSINESS_HEADERS = [column.header for column in BUSINESS_COLUMNS]
GOAL_HEADERS = [column.header for column in GOAL_COLUMNS]


def business_row(**cells: Any) -> dict[str, Any]:
    return {
        "事業者コード": "K001",
        "事業者名": "有限会社加賀漆器工房",
        "フリガナ": "カガシッキコウボウ",
        "事業形態": "法人",
        "業種大分類": "E",
        "業種中分類": "32",
        "従業員数": "4",
        "共有同意": "はい",
    } | cells


def goal_row(**cells: Any) -> dict[str, Any]:
    return {
        "事業者コード": "K001",
        "設定日": "2026-04-10",
        "目標カテゴリ": "販路開拓・マーケティング",
        "目標": "ECサイトで県外の新規顧客を開拓する",
    } | cells


def csv_text(headers: list[str], rows: list[dict[str, Any]]) -> str:
    lines = [",".join(headers)]
    lines += [",".join(str(row.get(header, "")) for header in headers) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def workbook(businesses: list[dict[str, Any]], goals: list[dict[str, Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "事業者"
    sheet.append(BUSINESS_HEADERS)
    for row in businesses:
        sheet.append([row.get(header) for header in BUSINESS_HEADERS])
    goal_sheet = book.create_sheet("目標")
    goal_sheet.append(GOAL_HEADERS)
    for row in goals:
        goal_sheet.append([row.get(header) for header in GOAL_HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def stored_businesses(org_records) -> dict[str, Business]:
    async with org_records.app.state.database.session() as session:
        return {b.external_code or str(b.id): b for b in (await session.scalars(select(Business))).all()}


async def stored_goals(org_records) -> list[Goal]:
    async with org_records.app.state.database.session() as session:
        return list((await session.scalars(select(Goal).order_by(Goal.id))).all())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-10", dt.date(2026, 4, 10)),
        ("2026/4/10", dt.date(2026, 4, 10)),
        ("２０２６／４／１０", dt.date(2026, 4, 10)),
        ("2026年4月10日", dt.date(2026, 4, 10)),
        ("令和8年4月10日", dt.date(2026, 4, 10)),
        ("令和８年４月１０日", dt.date(2026, 4, 10)),
        ("R8.4.10", dt.date(2026, 4, 10)),
        ("r8/4/10", dt.date(2026, 4, 10)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("H3.2.1", dt.date(1991, 2, 1)),
        ("昭和50年1月1日", dt.date(1975, 1, 1)),
        (dt.datetime(2026, 4, 10), dt.date(2026, 4, 10)),
    ],
)
def test_dates_in_every_form_people_write(text, expected):
    assert read_date(GOAL_COLUMNS[1], text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "令和8年13月1日", "令和0年1月1日", "8/4/10", "来週", "X8.4.10"])
def test_impossible_dates_are_refused_naming_the_column(text):
    with pytest.raises(CellError, match="設定日"):
        read_date(GOAL_COLUMNS[1], text)


async def test_template_has_the_documented_headers(client):
    response = await client.get("/api/v1/imports/template", params={"format": "csv"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip().split(",") == BUSINESS_HEADERS
    goals = await client.get("/api/v1/imports/template", params={"format": "csv", "sheet": "goals"})
    assert goals.content.decode("utf-8-sig").strip().split(",") == GOAL_HEADERS
    xlsx = await client.get("/api/v1/imports/template", params={"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert book.sheetnames == ["事業者", "目標", "記入方法"]
    assert [cell.value for cell in next(book["事業者"].iter_rows(max_row=1))] == BUSINESS_HEADERS
    assert [cell.value for cell in next(book["目標"].iter_rows(max_row=1))] == GOAL_HEADERS


async def test_the_template_imports_as_an_empty_file(client, import_file):
    template = (await client.get("/api/v1/imports/template", params={"format": "xlsx"})).content
    job = await import_file(template, "template.xlsx")
    assert job["status"] == "succeeded", job
    assert job["rows_total"] == 0


async def test_workbook_with_labels_codes_wareki_and_full_width_digits(
    client, org_records, import_file, count_rows, count_goal_messages
):
    staff = (await client.post("/api/v1/staff", json={"display_name": "山田 太郎"})).json()
    businesses = [
        business_row(
            従業員数="１２",
            資本金="3,000,000",
            設立日="昭和50年4月1日",
            従業員数基準日="R8.4.1",
            会員区分="会員",
            被災事業者="○",
            支援段階="伴走支援候補",
            担当者ID=str(staff["id"]),
            法人番号="５２２０００５００２１７１",
        ),
        business_row(
            事業者コード="K002",
            事業者名="山中温泉 旅館はなや",
            事業形態="sole_proprietor",
            業種大分類="宿泊業，飲食サービス業",
            業種中分類="宿泊業",
            共有同意="0",
            被災事業者="true",
            従業員数=7,
        ),
    ]
    goals = [
        goal_row(支援状況="達成", 達成日="令和8年9月30日", 共有="×", 計画テーマ="販路開拓"),
        goal_row(事業者コード="K002", 目標カテゴリ="recovery", 目標="被災した客室の再開", 設定日=dt.date(2026, 5, 1)),
    ]
    job = await import_file(workbook(businesses, goals), "register.xlsx")
    assert job["status"] == "succeeded", job["errors"]
    assert job["summary"] == {
        "businesses_created": 2,
        "businesses_updated": 0,
        "businesses_unchanged": 0,
        "goals_created": 2,
        "goals_updated": 0,
        "goals_unchanged": 0,
    }
    stored = await stored_businesses(org_records)
    kaga, hanaya = stored["K001"], stored["K002"]
    assert (kaga.employees, kaga.capital_yen, kaga.founded_on) == (12, 3_000_000, dt.date(1975, 4, 1))
    assert (kaga.employees_as_of, kaga.membership, kaga.support_stage) == (dt.date(2026, 4, 1), "member", "candidate")
    assert (kaga.disaster_affected, kaga.sharing_consent, kaga.staff_id) == (True, True, staff["id"])
    assert kaga.corporate_number == "5220005002171"
    assert (hanaya.business_form, hanaya.jsic_major, hanaya.jsic_middle) == ("sole_proprietor", "M", "75")
    assert (hanaya.sharing_consent, hanaya.support_stage, hanaya.employees) == (False, "active", 7)
    achieved, recovery = await stored_goals(org_records)
    assert (achieved.status, achieved.achieved_on, achieved.shared) == ("achieved", dt.date(2026, 9, 30), False)
    assert (achieved.plan_theme, achieved.staff_id) == ("販路開拓", staff["id"])  # the business's 担当者
    assert (recovery.business_id, recovery.category, recovery.set_on) == (hanaya.id, "recovery", dt.date(2026, 5, 1))
    # Through the goal service: both goals went to the outbox (as tombstones: neither may be shared).
    assert await count_goal_messages() == 2
    fetched = (await client.get(f"/api/v1/businesses/{kaga.id}")).json()
    assert fetched["external_code"] == "K001"


async def test_shared_goals_of_consenting_businesses_are_published(
    org_records, import_file, count_rows, count_goal_messages
):
    content = csv_text(GOAL_HEADERS, [goal_row(), goal_row(目標="新商品の試作")])
    await import_file(csv_text(BUSINESS_HEADERS, [business_row()]).encode())
    job = await import_file(content.encode())
    assert job["status"] == "succeeded", job["errors"]
    assert await count_goal_messages() == 2


async def test_dry_run_reports_every_row_error_and_writes_nothing(import_file, count_rows):
    businesses = [
        business_row(),
        business_row(事業者コード="K002", 事業形態="株式会社"),
        business_row(事業者コード="K003", 法人番号="4220005002171"),
        business_row(事業者コード="K004", 業種大分類="E", 業種中分類="76"),
        business_row(事業者コード="K001", 事業者名="重複した事業者"),
        business_row(事業者コード="K005", 従業員数="4.5", 設立日="昔"),
        business_row(事業者コード="K006", 事業者名=""),
    ]
    goals = [
        goal_row(),
        goal_row(目標="展示会で商談", 支援状況="達成"),
        goal_row(事業者コード="NOPE"),
        goal_row(事業者コード="K002", 目標="HP刷新", 担当者ID="999"),
    ]
    job = await import_file(workbook(businesses, goals), "errors.xlsx", dry_run=True)
    assert job["status"] == "failed"
    assert job["summary"] is None
    found = [(error["sheet"], error["row"], error["column"]) for error in job["errors"]]
    assert found == [
        ("事業者", 3, "事業形態"),
        ("事業者", 4, "法人番号"),
        ("事業者", 5, "業種中分類"),
        ("事業者", 6, "事業者コード"),
        ("事業者", 7, "従業員数"),
        ("事業者", 7, "設立日"),
        ("事業者", 8, "事業者名"),
        ("目標", 3, "達成日"),
        ("目標", 4, "事業者コード"),
        ("目標", 5, "担当者ID"),
    ]
    messages = {(error["row"], error["column"]): error["message"] for error in job["errors"]}
    assert "法人 (corporation)" in messages[(3, "事業形態")]
    assert "法人番号" in messages[(4, "法人番号")]
    assert "大分類 M" in messages[(5, "業種中分類")]
    assert "2 行目" in messages[(6, "事業者コード")]
    assert "達成日" in messages[(3, "達成日")]
    assert await count_rows(Business) == 0
    assert await count_rows(Goal) == 0


async def test_dry_run_of_a_good_file_reports_what_would_happen_and_writes_nothing(import_file, count_rows):
    job = await import_file(workbook([business_row()], [goal_row()]), "ok.xlsx", dry_run=True)
    assert job["status"] == "succeeded", job["errors"]
    assert job["dry_run"] is True
    assert job["summary"]["businesses_created"] == 1
    assert job["summary"]["goals_created"] == 1
    assert await count_rows(Business) == 0
    assert await count_rows(Goal) == 0
    assert await count_rows(OutboxMessage) == 0


@pytest.mark.postgres
async def test_a_failing_import_writes_nothing(import_file, count_rows, business):
    before = [await count_rows(model) for model in (Business, Goal, OutboxMessage)]
    businesses = [business_row(事業者コード=f"K{n:03d}", 事業者名=f"事業者{n}") for n in range(50)]
    goals = [goal_row(事業者コード=f"K{n:03d}") for n in range(50)]
    goals.append(goal_row(事業者コード="K049", 目標="最後の行だけが誤り", 設定日="2026-02-30"))
    job = await import_file(workbook(businesses, goals), "almost.xlsx")
    assert job["status"] == "failed"
    assert [(e["sheet"], e["row"], e["column"]) for e in job["errors"]] == [("目標", 52, "設定日")]
    assert [await count_rows(model) for model in (Business, Goal, OutboxMessage)] == before


async def test_own_id_codes_only_name_businesses_without_a_code_of_their_own(org_records, import_file, count_rows):
    """`<org_id>#<id>` is how an export names a code-less business; a business with its own code keeps it."""
    first = await import_file(csv_text(BUSINESS_HEADERS, [business_row()]).encode())
    assert first["status"] == "succeeded"
    stored = (await stored_businesses(org_records))["K001"]
    job = await import_file(
        csv_text(BUSINESS_HEADERS, [business_row(事業者コード=f"kaga-society#{stored.id}")]).encode()
    )
    assert job["status"] == "succeeded", job["errors"]
    assert job["summary"]["businesses_created"] == 1
    assert await count_rows(Business) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
async def test_csv_in_every_encoding_excel_writes(org_records, import_file, encoding):
    text = csv_text(BUSINESS_HEADERS, [business_row(事業者名="株式会社髙島屋酒造", 代表者名="髙橋 﨑子")])
    job = await import_file(text.encode(encoding), "register.csv")
    assert job["status"] == "succeeded", job["errors"]
    stored = (await stored_businesses(org_records))["K001"]
    assert (stored.name, stored.representative) == ("株式会社髙島屋酒造", "髙橋 﨑子")


async def test_goal_csv_refers_to_businesses_already_stored(org_records, import_file, count_rows):
    await import_file(csv_text(BUSINESS_HEADERS, [business_row()]).encode("cp932"))
    job = await import_file(csv_text(GOAL_HEADERS, [goal_row(設定日="R8.4.10")]).encode("cp932"), "goals.csv")
    assert job["status"] == "succeeded", job["errors"]
    (goal,) = await stored_goals(org_records)
    assert goal.set_on == dt.date(2026, 4, 10)
    assert goal.business_id == (await stored_businesses(org_records))["K001"].id


async def test_reimport_updates_instead_of_duplicating(org_records, import_file, count_rows, count_goal_messages):
    businesses = [business_row(), business_row(事業者コード="K002", 事業者名="旅館はなや")]
    goals = [goal_row(), goal_row(事業者コード="K002", 目標="客室の改装")]
    first = await import_file(workbook(businesses, goals), "v1.xlsx")
    assert first["status"] == "succeeded", first["errors"]
    kaga_version = (await stored_businesses(org_records))["K001"].version
    outbox_before = await count_goal_messages()

    businesses[1]["従業員数"] = "9"
    goals[1] |= {"支援状況": "達成", "達成日": "2026-10-01"}
    again = await import_file(workbook(businesses, goals), "v2.xlsx")
    assert again["status"] == "succeeded", again["errors"]
    assert again["summary"] == {
        "businesses_created": 0,
        "businesses_updated": 1,
        "businesses_unchanged": 1,
        "goals_created": 0,
        "goals_updated": 1,
        "goals_unchanged": 1,
    }
    assert await count_rows(Business) == 2
    assert await count_rows(Goal) == 2
    stored = await stored_businesses(org_records)
    assert stored["K002"].employees == 9
    assert stored["K001"].version == kaga_version  # unchanged rows are not touched
    renovation = next(goal for goal in await stored_goals(org_records) if goal.text == "客室の改装")
    # 従業員数 is shared (as its band), so はなや's goal is republished for the business change (version 2), then
    # again for its own change (version 3); 加賀漆器's unchanged goal publishes nothing.
    assert (renovation.status, renovation.achieved_on, renovation.version) == ("achieved", dt.date(2026, 10, 1), 3)
    assert await count_goal_messages() == outbox_before + 2


async def test_withdrawing_consent_by_import_withdraws_shared_goals(
    org_records, import_file, count_rows, count_goal_messages
):
    await import_file(workbook([business_row()], [goal_row()]), "v1.xlsx")
    (goal,) = await stored_goals(org_records)
    outbox_before = await count_goal_messages()
    job = await import_file(workbook([business_row(共有同意="いいえ")], [goal_row()]), "v2.xlsx")
    assert job["status"] == "succeeded", job["errors"]
    assert job["summary"]["businesses_updated"] == 1
    (republished,) = await stored_goals(org_records)
    assert republished.version == goal.version + 1
    assert await count_goal_messages() == outbox_before + 1


async def test_unknown_and_missing_columns_are_reported_on_the_header_row(import_file):
    text = "事業者名,業種大分類,備考\r\n加賀漆器,E,メモ\r\n"
    job = await import_file(text.encode(), "odd.csv", dry_run=True)
    assert [(e["sheet"], e["row"], e["column"]) for e in job["errors"]] == [
        ("事業者", 1, "備考"),
        ("事業者", 1, "事業形態"),
    ]


async def test_english_field_names_work_as_headers(org_records, import_file):
    text = "external_code,name,business_form,jsic_major\r\nK010,加賀漆器,corporation,e\r\n"
    job = await import_file(text.encode(), "api-names.csv")
    assert job["status"] == "succeeded", job["errors"]
    assert (await stored_businesses(org_records))["K010"].jsic_major == "E"


async def test_oversized_file_is_413(client, count_rows):
    content = csv_text(BUSINESS_HEADERS, [business_row()]).encode() + b"x" * 20_000_001
    response = await client.post("/api/v1/imports", files={"file": ("huge.csv", content)})
    assert response.status_code == 413
    assert "MB" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "neither CSV nor .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), ".xls"),
        (b"", "empty"),
        (b"\xff\xfe\xfa\xfa\x80\x80", "UTF-8 or Shift_JIS"),
    ],
)
async def test_a_file_that_is_not_csv_or_xlsx_is_415(client, content, words):
    response = await client.post("/api/v1/imports", files={"file": ("photo.csv", content)})
    assert response.status_code == 415, response.text
    assert words in response.json()["detail"][0]["msg"]


async def test_a_zip_that_is_not_a_workbook_is_415(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<xml/>")
    response = await client.post("/api/v1/imports", files={"file": ("report.docx", buffer.getvalue())})
    assert response.status_code == 415
    assert "not an .xlsx workbook" in response.json()["detail"][0]["msg"]


async def test_text_without_the_layout_fails_with_a_clear_error(import_file):
    job = await import_file("氏名,年齢\r\n山田,40\r\n".encode(), "people.csv")
    assert job["status"] == "failed"
    assert "use the template's headers" in job["errors"][0]["message"]


async def test_too_many_rows_is_refused_before_validation(import_file, count_rows):
    text = csv_text(BUSINESS_HEADERS, [business_row(事業者コード=f"K{n}") for n in range(20_001)])
    job = await import_file(text.encode(), "everything.csv")
    assert job["status"] == "failed"
    assert "too many rows" in job["errors"][0]["message"]
    assert await count_rows(Business) == 0


async def test_unknown_job_is_404(client):
    response = await client.get("/api/v1/imports/0123456789abcdef")
    assert response.status_code == 404


async def test_progress_is_visible_on_a_large_file(org_records, import_file, count_rows):
    rows = [business_row(事業者コード=f"K{n:05d}", 事業者名=f"事業者{n}") for n in range(3000)]
    polls: list[dict[str, Any]] = []
    job = await import_file(csv_text(BUSINESS_HEADERS, rows).encode(), "large.csv", polls=polls)
    assert job["status"] == "succeeded", job["errors"][:3]
    assert job["summary"]["businesses_created"] == 3000
    assert await count_rows(Business) == 3000
    running = [poll for poll in polls if poll["status"] == "running" and poll["phase"] != "reading"]
    assert running, "the job was never seen running"
    assert all(poll["rows_total"] == 3000 for poll in running)
    assert any(poll["rows_processed"] < poll["rows_total"] for poll in running)
    processed = [poll["rows_processed"] for poll in running if poll["phase"] == "writing"]
    assert processed == sorted(processed)


@pytest.mark.postgres
async def test_external_code_is_unique_and_bounded_through_the_api_too(client, business_payload, count_rows):
    first = await client.post("/api/v1/businesses", json=business_payload | {"external_code": "ＫＯＯ１"})
    assert first.status_code == 201, first.text
    assert first.json()["external_code"] == "KOO1"
    again = await client.post("/api/v1/businesses", json=business_payload | {"external_code": "KOO1"})
    assert again.status_code == 409, again.text
    assert again.json()["detail"][0]["loc"][-1] == "external_code"
    too_long = await client.post("/api/v1/businesses", json=business_payload | {"external_code": "K" * 51})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"][-1] == "external_code"
    assert await count_rows(Business) == 1


async def test_repeated_columns_goals_and_unreadable_flags_are_errors(import_file, count_rows):
    businesses = [business_row(共有同意="たぶん"), business_row(事業者コード="K002", 従業員数="四人")]
    goals = [goal_row(), goal_row(目標=" ECサイトで県外の新規顧客を開拓する "), goal_row(目標="展示会", 共有="maybe")]
    job = await import_file(workbook(businesses, goals), "dupes.xlsx", dry_run=True)
    assert [(e["sheet"], e["row"], e["column"]) for e in job["errors"]] == [
        ("事業者", 2, "共有同意"),
        ("事業者", 3, "従業員数"),
        ("目標", 3, "目標"),
        ("目標", 4, "共有"),
    ]
    assert "2 行目" in job["errors"][2]["message"]

    text = "事業者名,事業形態,業種大分類,事業者名\r\n加賀漆器,法人,E,加賀漆器\r\n"
    job = await import_file(text.encode(), "twice.csv", dry_run=True)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(1, "事業者名")]
    assert "duplicate column" in job["errors"][0]["message"]


async def test_two_business_sheets_in_one_workbook_are_refused(import_file):
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "事業者"
    first.append(BUSINESS_HEADERS)
    book.create_sheet("businesses").append(BUSINESS_HEADERS)
    buffer = io.BytesIO()
    book.save(buffer)
    job = await import_file(buffer.getvalue(), "two.xlsx")
    assert job["status"] == "failed"
    assert "more than one businesses sheet" in job["errors"][0]["message"]
