"""The web UI in a real browser (Debian's Chromium driven by Playwright) against a federation on loopback: an advisor
of 金沢 signs in, registers a business and a goal and records a session; an advisor of 七尾 finds the goal's summary
and asks its 担当者, who replies from the inbox; 県 writes a notice, 金沢 reads it and 県 sees who read it; a CSV with
mistakes is refused row by row; the 実績報告書 is downloaded; 県 staff read the analytics with suppressed cells.
Screenshots of the pages are saved."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from analytics.app import create_app as create_analytics
from analytics.config import AnalyticsSettings
from banso_core.testing.auth import signed_in_client
from banso_core.testing.servers import ServedApp, eventually

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.ui,
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
    pytest.mark.timeout(300),
]

PASSWORD = "ui-test-password"
GOAL = "サウナ棟付のキャンプ場を新設し、冬の集客を増やす"
QUESTION = "サウナ棟の保健所への届出は、着工前と後のどちらで進めましたか。"
REPLY = "着工前に相談し、図面の段階で届出ました。"
NANAO_BUSINESS = {"name": "株式会社和倉ヴィラ", "business_form": "corporation", "jsic_major": "M", "jsic_middle": "75",
                  "employees": 12, "sharing_consent": True}  # fmt: skip
NANAO_GOAL = {
    "set_on": "2026-04-01",
    "category": "new_business",
    "text": "サウナ付きの貸別荘を新設し、冬の稼働率を上げる",
}
PLAN = {
    "title": "第2期 経営発達支援計画",
    "starts_on": "2024-04-01",
    "ends_on": "2029-03-31",
    "themes": [{"code": "sales", "title": "販路開拓による売上拡大"}],
    "kpis": [
        {"code": "visits", "label": "フォローアップ延べ回数", "measure": "follow_up_sessions", "targets": {"2026": 10}}
    ],
    "kgis": [],
}


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Iterator[Path]:
    """Screenshots go to the test's directory; BANSO_UI_SCREENSHOTS (`make test-ui`: docs/screenshots) keeps them."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    yield shots
    keep = os.environ.get("BANSO_UI_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in shots.glob("*.png"):
            shutil.copy(shot, Path(keep) / shot.name)


async def advisor(org: ServedApp, login: str, name: str, role: str = "advisor") -> None:
    async with signed_in_client(org.url) as admin:
        staff = await admin.post(
            "/api/v1/staff", json={"display_name": name, "role": role, "login": login, "password": PASSWORD}
        )
        assert staff.status_code == 201, staff.text


async def sign_in(browser: Any, org: ServedApp, login: str) -> Any:
    """A tablet-sized browser context signed in at the organization's own pages."""
    context = await browser.new_context(
        base_url=org.url, viewport={"width": 1024, "height": 900}, locale="ja-JP", accept_downloads=True
    )
    page = await context.new_page()
    await page.goto("/")
    assert page.url.endswith("/signin?next=/")
    await page.get_by_label("ログインID").fill(login)
    await page.get_by_label("パスワード").fill(PASSWORD)
    await page.get_by_label("パスワード").press("Enter")
    await page.wait_for_url(f"{org.url}/")
    return page


async def test_advisors_record_find_ask_read_and_report_in_the_browser(federation, chromium, screenshots):
    # Every organization is in the registry before the hub services start, so that they trust its tokens.
    federation.registry.add("ishikawa-pref", "prefecture", name="石川県 経営支援課")
    federation.registry.add("kanazawa-cci", "cci", name="金沢商工会議所")
    federation.registry.add("nanao-cci", "cci", name="七尾商工会議所")
    exchange = await federation.start_exchange()
    notices = await federation.start_notices()
    analytics = ServedApp(
        create_analytics(
            AnalyticsSettings(
                database_url=await federation.make_database_url("analytics"),
                nats_url=federation.nats.url,
                grpc_port=0,
                federation_registry=federation.registry.path,
            )
        )
    )
    await analytics.start()
    hub = {"exchange_url": exchange.url, "notices_url": notices.url, "analytics_url": analytics.url}
    try:
        kanazawa = await federation.start_org("kanazawa-cci", "金沢商工会議所", **hub)
        nanao = await federation.start_org("nanao-cci", "七尾商工会議所", **hub)
        prefecture = await federation.start_org("ishikawa-pref", "石川県 経営支援課", org_kind="prefecture", **hub)
        await advisor(kanazawa, "kitamura", "北村")
        await advisor(nanao, "noto", "能登")
        await advisor(prefecture, "ken", "県 太郎", role="prefecture")
        async with signed_in_client(kanazawa.url) as admin:
            assert (await admin.post("/api/v1/plans", json=PLAN)).status_code == 201
        async with signed_in_client(nanao.url) as admin:  # a similar goal at 七尾, for 北村's goal page
            business = await admin.post("/api/v1/businesses", json=NANAO_BUSINESS)
            assert business.status_code == 201, business.text
            goal = await admin.post(f"/api/v1/businesses/{business.json()['id']}/goals", json=NANAO_GOAL)
            assert goal.status_code == 201, goal.text

        # 北村 (金沢) signs in, registers a business and its goal, and records a visit.
        kitamura = await sign_in(chromium, kanazawa, "kitamura")
        await kitamura.get_by_role("link", name="事業者を登録").click()
        await kitamura.get_by_label("事業者名").fill("有限会社湯涌アウトドア")
        await kitamura.get_by_label("業種大分類").select_option("M")
        await kitamura.get_by_label("業種中分類（2桁）").fill("75")
        await kitamura.get_by_label("従業員数").fill("8")
        await kitamura.get_by_label("目標の共有に同意を得ている", exact=False).check()
        await kitamura.screenshot(path=screenshots / "business-form.png", full_page=True)
        await kitamura.get_by_role("button", name="保存").click()
        await kitamura.get_by_role("heading", name="有限会社湯涌アウトドア").wait_for()

        await kitamura.get_by_role("link", name="目標を追加").click()
        await kitamura.get_by_label("目標 必須", exact=True).fill(GOAL)
        await kitamura.get_by_label("目標カテゴリ").select_option("new_business")
        await kitamura.get_by_role("button", name="保存").click()
        await kitamura.get_by_role("heading", name="共有プレビュー").wait_for()
        preview = await kitamura.locator(".preview").inner_text()
        assert "サウナ棟付のキャンプ場" in preview and "湯涌アウトドア" not in preview
        goal_page = kitamura.url

        async def similar_listed() -> bool:
            await kitamura.goto(goal_page)
            return await kitamura.locator(".results .hit", has_text="七尾商工会議所").count() == 1

        await eventually(similar_listed, timeout=30, what="七尾's similar goal on 北村's goal page")
        similar = kitamura.locator(".results .hit", has_text="七尾商工会議所")
        assert "サウナ" in await similar.locator("mark").all_inner_texts()
        assert await similar.get_by_role("link", name="担当者に問い合わせる").count() == 1
        await kitamura.screenshot(path=screenshots / "goal.png", full_page=True)

        await kitamura.get_by_role("link", name="有限会社湯涌アウトドア").click()
        await kitamura.get_by_role("link", name="支援記録を入力").click()
        await kitamura.get_by_role("button", name="記録する").click()  # nothing chosen yet
        assert await kitamura.locator("#approach-error").inner_text() == "支援者のアプローチを選んでください"
        await kitamura.get_by_label("対話型アプローチ").check()
        await kitamura.get_by_label("納得していた・前向きだった").check()
        await kitamura.get_by_label(GOAL).check()
        await kitamura.get_by_label("支援内容", exact=False).fill("サウナ棟の設計と補助金の申請時期を相談した。")
        await kitamura.get_by_label("次回の予定").fill("見積書を一緒に確認")
        await kitamura.screenshot(path=screenshots / "session-form.png", full_page=True)
        await kitamura.get_by_role("button", name="記録する").click()
        await kitamura.locator("#sessions .timeline li").first.wait_for()
        assert "対話型アプローチ" in await kitamura.locator("#sessions").inner_text()
        await kitamura.screenshot(path=screenshots / "business.png", full_page=True)
        await kitamura.get_by_role("link", name="担当先").click()
        assert "見積書を一緒に確認" in await kitamura.locator("table.list").inner_text()
        await kitamura.screenshot(path=screenshots / "businesses.png", full_page=True)

        # 能登 (七尾) finds the summary at the exchange, highlighted, and asks the 担当者.
        noto = await sign_in(chromium, nanao, "noto")

        async def searchable() -> bool:
            await noto.goto("/search?q=サウナ")
            return await noto.locator(".results .hit", has_text="金沢商工会議所").count() == 1

        await eventually(searchable, timeout=30, what="the goal's summary in 七尾's search")
        hit = noto.locator(".results .hit", has_text="金沢商工会議所")
        assert await hit.locator("mark").first.inner_text() == "サウナ"
        assert "金沢商工会議所・担当 北村" in await hit.inner_text()
        assert "湯涌" not in await hit.inner_text()
        await noto.screenshot(path=screenshots / "search.png", full_page=True)
        await hit.get_by_role("link", name="担当者に問い合わせる").click()
        await noto.get_by_label("質問", exact=False).fill(QUESTION)
        await noto.get_by_role("button", name="送信").click()
        await noto.get_by_text("回答を待っています").wait_for()
        thread = noto.url

        async def in_inbox() -> bool:
            await kitamura.goto("/inbox")
            return QUESTION in await kitamura.locator("main").inner_text()

        await eventually(in_inbox, timeout=30, what="the question in 北村's inbox")
        assert "七尾商工会議所・能登 さんから" in await kitamura.locator("main").inner_text()
        await kitamura.get_by_label("回答").fill(REPLY)
        await kitamura.get_by_role("button", name="回答を送る").click()
        await kitamura.locator(".reply", has_text=REPLY).wait_for()
        await kitamura.screenshot(path=screenshots / "inbox.png", full_page=True)

        async def answered() -> bool:
            await noto.goto(thread)
            return REPLY in await noto.locator(".timeline").inner_text()

        await eventually(answered, timeout=30, what="北村's reply in 能登's thread")

        # 県 writes a notice; it is unread at 金沢 until 北村 opens it, and 県 sees who read it.
        ken = await sign_in(chromium, prefecture, "ken")
        await ken.get_by_role("link", name="お知らせ").click()
        await ken.get_by_role("link", name="お知らせを書く").click()
        await ken.get_by_label("件名 必須").fill("なりわい再建支援補助金 第5次公募")
        await ken.get_by_label("本文 必須").fill("**10月15日**締切です。")
        await ken.get_by_role("button", name="掲載する").click()
        assert await ken.locator("#category-error").inner_text() == "県からのお知らせにはカテゴリを選んでください"
        await ken.get_by_label("カテゴリ", exact=False).select_option("disaster_support")
        await ken.get_by_role("button", name="掲載する").click()
        await ken.get_by_role("heading", name="既読状況").wait_for()

        await kitamura.get_by_role("link", name="お知らせ").click()
        notice = kitamura.locator(".notices li", has_text="なりわい再建支援補助金")
        assert await notice.locator(".badge").inner_text() == "未読"
        await kitamura.screenshot(path=screenshots / "notices.png", full_page=True)
        await notice.get_by_role("link").click()
        assert await kitamura.locator(".notice-body strong").inner_text() == "10月15日"
        await kitamura.get_by_label("コメントを書く").fill("金沢でも周知します。")
        await kitamura.get_by_role("button", name="コメントする").click()
        await kitamura.get_by_text("金沢でも周知します。").wait_for()
        await kitamura.screenshot(path=screenshots / "notice.png", full_page=True)
        await kitamura.get_by_role("link", name="お知らせ").first.click()
        assert await kitamura.locator(".notices li", has_text="なりわい再建支援補助金").locator(".badge").count() == 0

        await ken.reload()
        kanazawa_row = ken.locator("tr", has_text="金沢商工会議所")
        assert "既読 1人" in await kanazawa_row.inner_text() and "北村" in await kanazawa_row.inner_text()
        assert await ken.locator("tr", has_text="七尾商工会議所").locator(".badge").inner_text() == "未読"
        await ken.screenshot(path=screenshots / "notice-receipts.png", full_page=True)

        # A register in CSV with mistakes: each is listed by row and column, and nothing is written.
        await kitamura.get_by_role("link", name="取込").click()
        lines = [
            "事業者名,事業形態,業種大分類,従業員数",
            "有限会社能登の塩,法人,E,3",
            ",法人,E,2",
            "山中漆器店,会社,E,多数",
        ]
        register = "".join(f"{line}\r\n" for line in lines)
        await kitamura.get_by_label("ファイル", exact=False).set_input_files(
            files=[{"name": "台帳.csv", "mimeType": "text/csv", "buffer": register.encode()}]
        )
        await kitamura.get_by_role("button", name="取り込む").click()
        await kitamura.get_by_role("heading", name="誤りの一覧").wait_for()
        errors = await kitamura.locator("table.list tbody").inner_text()
        assert "事業者名" in errors and "事業形態" in errors and "従業員数" in errors
        await kitamura.screenshot(path=screenshots / "import.png", full_page=True)

        # The 実績報告書 of this year, and its workbook.
        await kitamura.goto("/report?fiscal_year=2026")
        await kitamura.get_by_role("heading", name="KPI（目標と実績）").wait_for()
        await kitamura.screenshot(path=screenshots / "report.png", full_page=True)
        async with kitamura.expect_download() as downloading:
            await kitamura.get_by_role("link", name="Excelでダウンロード").click()
        download = await downloading.value
        assert download.suggested_filename.endswith(".xlsx")
        saved = screenshots.parent / "report.xlsx"
        await download.save_as(saved)
        cells = [
            cell for sheet in openpyxl.load_workbook(saved) for row in sheet.iter_rows(values_only=True) for cell in row
        ]
        assert "フォローアップ延べ回数" in cells

        # The prefecture's staff read the analytics: one business is too few, so its cells are suppressed.
        await ken.get_by_role("link", name="集計").click()
        await ken.get_by_role("heading", name="グラフ").wait_for()
        await ken.wait_for_load_state("load")
        await ken.screenshot(path=screenshots / "analytics.png", full_page=True)
        table = await ken.locator("table.analytics").inner_text()
        assert "金沢商工会議所" in table and "県全体" in table and "秘匿" in table
        drawn = await ken.eval_on_selector_all(".charts img", "images => images.map(image => image.naturalWidth > 0)")
        assert drawn == [True, True, True]
    finally:
        await analytics.stop()
