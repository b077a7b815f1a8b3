"""The web UI over plain HTTP (no browser): sign-in and its cookie, redirects to ログイン, CSRF refusal, escaping of
what people typed, and validation problems said in Japanese next to the field."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest

from banso_core.testing.servers import ServedApp, eventually

from .conftest import ADMIN_LOGIN, ADMIN_PASSWORD, BUSINESS
from .test_import import business_row, goal_row, workbook

pytestmark = pytest.mark.postgres


@dataclass
class Browser:
    """An HTTP client that keeps cookies the way a browser does on this loopback site (Secure ones included)."""

    client: httpx.AsyncClient
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    def _headers(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())} if self.cookies else {}

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    async def get(self, path: str) -> httpx.Response:
        return self._keep(await self.client.get(path, headers=self._headers()))

    async def post(self, path: str, form: dict[str, Any]) -> httpx.Response:
        return self._keep(await self.client.post(path, data=form, headers=self._headers()))

    async def upload(self, path: str, form: dict[str, Any], files: dict[str, Any]) -> httpx.Response:
        return self._keep(await self.client.post(path, data=form, files=files, headers=self._headers()))

    async def csrf_token(self, path: str = "/signin") -> str:
        page = await self.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None, page.text
        return found.group(1)

    async def sign_in(self, login: str = ADMIN_LOGIN, password: str = ADMIN_PASSWORD) -> str:
        token = await self.csrf_token()
        response = await self.post("/signin", {"csrf_token": token, "login": login, "password": password, "next": "/"})
        assert response.status_code == 303, response.text
        return token


@pytest.fixture
async def browser(org_records: ServedApp) -> AsyncIterator[Browser]:
    async with httpx.AsyncClient(base_url=org_records.url, timeout=60, follow_redirects=False) as client:
        yield Browser(client)


def errors_of(page: httpx.Response) -> dict[str, str]:
    """The messages shown next to fields, by field."""
    return dict(re.findall(r'<p class="error" id="([a-z_]+)-error">([^<]+)</p>', page.text))


async def test_pages_send_a_stranger_to_sign_in_and_back_afterwards(browser: Browser) -> None:
    asked = await browser.get("/businesses/1?tab=goals")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/signin?next=/businesses/1%3Ftab%3Dgoals"

    token = await browser.csrf_token()
    wrong = await browser.post("/signin", {"csrf_token": token, "login": ADMIN_LOGIN, "password": "wrong"})
    assert wrong.status_code == 401
    assert "ログインIDまたはパスワードが違います" in wrong.text
    assert "banso_session" not in browser.cookies

    signed_in = await browser.post(
        "/signin", {"csrf_token": token, "login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "next": "/businesses/new"}
    )
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/businesses/new")
    [session_cookie] = [header for header in browser.set_cookies if header.startswith("banso_session=")]
    assert {"HttpOnly", "Secure", "SameSite=lax"} <= {part.strip() for part in session_cookie.split(";")}
    assert (await browser.get("/businesses/new")).status_code == 200

    # Only paths of this site are followed after ログイン.
    for elsewhere in ("//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example"):
        signed_in = await browser.post(
            "/signin", {"csrf_token": token, "login": ADMIN_LOGIN, "password": ADMIN_PASSWORD, "next": elsewhere}
        )
        assert signed_in.headers["location"] == "/", elsewhere

    page = await browser.get("/")
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]

    signed_out = await browser.post("/signout", {"csrf_token": token})
    assert signed_out.status_code == 303
    assert (await browser.get("/")).status_code == 303


async def test_a_form_without_this_browsers_csrf_token_is_refused_and_changes_nothing(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    token = await browser.sign_in()
    business = {"name": "横取り商店", "business_form": "corporation", "jsic_major": "I"}

    for forged in ({}, {"csrf_token": "not-the-token"}):
        refused = await browser.post("/businesses/new", business | forged)
        assert refused.status_code == 403
        assert "送信を受け付けられませんでした" in refused.text
    # Another site's form carries the session cookie (SameSite permitting) but cannot know the token cookie.
    browser.cookies.pop("banso_csrf")
    refused = await browser.post("/businesses/new", business | {"csrf_token": token})
    assert refused.status_code == 403

    assert (await client.get("/api/v1/businesses")).json()["items"] == []


async def test_what_people_typed_is_escaped_on_every_page_that_shows_it(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    me = (await client.get("/api/v1/auth/me")).json()
    name = '<script>alert("x")</script>加賀&商店'
    created = await client.post("/api/v1/businesses", json=BUSINESS | {"name": name, "staff_id": me["id"]})
    assert created.status_code == 201, created.text
    business_id = created.json()["id"]
    goal = await client.post(
        f"/api/v1/businesses/{business_id}/goals",
        json={"set_on": "2026-04-01", "category": "new_product", "text": "<img src=x onerror=alert(1)>新商品"},
    )
    assert goal.status_code == 201, goal.text
    await browser.sign_in()

    for path in ("/", f"/businesses/{business_id}", f"/goals/{goal.json()['id']}", f"/businesses/{business_id}/edit"):
        page = await browser.get(path)
        assert page.status_code == 200, (path, page.text)
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
    shown = (await browser.get(f"/businesses/{business_id}")).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;加賀&amp;商店" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;新商品" in shown


async def test_problems_with_a_support_session_are_said_in_japanese_and_nothing_is_recorded(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    created = await client.post("/api/v1/businesses", json=BUSINESS)
    business_id = created.json()["id"]
    token = await browser.sign_in()

    form = await browser.get(f"/businesses/{business_id}/sessions/new")
    assert re.search(r'id="held_on" name="held_on" type="date" max="([0-9-]+)" value="\1"', form.text), "today"

    refused = await browser.post(
        f"/businesses/{business_id}/sessions/new",
        {"csrf_token": token, "held_on": "2999-01-01", "channel": "visit", "minutes": "九十", "notes": "試作品の相談"},
    )
    assert refused.status_code == 422
    assert errors_of(refused) == {
        "held_on": "未来の日付は入力できません",
        "minutes": "所要時間は数字で入力してください",
        "approach": "支援者のアプローチを選んでください",
        "attitude": "事業者の姿勢を選んでください",
    }
    assert "試作品の相談" in refused.text  # what was typed is kept
    sessions = await client.get(f"/api/v1/businesses/{business_id}/sessions")
    assert sessions.json()["total"] == 0

    recorded = await browser.post(
        f"/businesses/{business_id}/sessions/new",
        {"csrf_token": token, "held_on": "2026-04-10", "channel": "visit", "approach": "dialogue",
         "attitude": "positive", "next_action": "見積書を一緒に確認"},
    )  # fmt: skip
    assert recorded.status_code == 303
    listed = (await browser.get("/?everyone=true")).text
    assert "見積書を一緒に確認" in listed and "2026年4月10日（金）" in listed


async def test_problems_with_a_business_are_said_in_japanese(browser: Browser, client: httpx.AsyncClient) -> None:
    token = await browser.sign_in()
    refused = await browser.post(
        "/businesses/new",
        {"csrf_token": token, "name": "", "business_form": "corporation", "jsic_major": "E", "jsic_middle": "58",
         "corporate_number": "1234567890123", "employees": "-1"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert errors_of(refused) == {
        "name": "事業者名を入力してください",
        "corporate_number": "13桁の正しい法人番号を入力してください（チェックデジットが合いません）",
        "jsic_middle": "業種中分類が業種大分類と合っていません",
        "employees": "従業員数は0以上にしてください",
    }
    assert (await client.get("/api/v1/businesses")).json()["items"] == []


async def test_editing_a_goal_shows_its_share_preview_and_keeps_what_the_form_does_not_show(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    business_id = (await client.post("/api/v1/businesses", json=BUSINESS)).json()["id"]
    goal = await client.post(
        f"/api/v1/businesses/{business_id}/goals",
        json={"set_on": "2026-04-01", "category": "sales_channel", "text": "ECサイトで県外の新規顧客を開拓する",
              "plan_theme": "sales"},
    )  # fmt: skip
    goal_id = goal.json()["id"]
    token = await browser.sign_in()

    form = await browser.get(f"/goals/{goal_id}/edit")
    assert "共有プレビュー" in form.text and "ECサイトで県外の新規顧客を開拓する" in form.text
    edit = {"csrf_token": token, "text": "ECサイトで県外の新規顧客を開拓する", "category": "sales_channel",
            "set_on": "2026-04-01", "shared": "on", "version": str(goal.json()["version"])}  # fmt: skip
    refused = await browser.post(f"/goals/{goal_id}/edit", edit | {"status": "achieved"})
    assert refused.status_code == 422
    assert errors_of(refused) == {"achieved_on": "支援状況が「達成」のときは達成日を入力してください"}

    saved = await browser.post(f"/goals/{goal_id}/edit", edit | {"status": "achieved", "achieved_on": "2026-05-20"})
    assert (saved.status_code, saved.headers["location"]) == (303, f"/goals/{goal_id}")
    stored = (await client.get(f"/api/v1/goals/{goal_id}")).json()
    assert (stored["status"], stored["achieved_on"], stored["plan_theme"]) == ("achieved", "2026-05-20", "sales")


async def test_an_import_lists_its_errors_row_by_row_and_then_imports(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    token = await browser.sign_in()
    assert (
        (await browser.get("/import/template.xlsx"))
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats")
    )
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    async def imported(content: bytes, dry_run: bool) -> str:
        form = {"csrf_token": token} | ({"dry_run": "on"} if dry_run else {})
        started = await browser.upload("/import", form, {"file": ("台帳.xlsx", content, xlsx)})
        assert started.status_code == 303, started.text
        pages: list[str] = []

        async def finished() -> bool:
            pages[:] = [(await browser.get(started.headers["location"])).text]
            return 'http-equiv="refresh"' not in pages[0]

        await eventually(finished, timeout=30, what="the import to finish")
        return pages[0]

    bad = workbook(
        [
            business_row(),
            business_row(事業者コード="K002", 事業者名=""),
            business_row(事業者コード="K003", 従業員数="多数"),
        ],
        [goal_row(事業者コード="NOPE")],
    )
    page = await imported(bad, dry_run=True)
    assert "3件の誤りがあります" in page
    rows = re.findall(
        r'<td data-label="シート">([^<]+)</td><td data-label="行">([^<]+)</td><td data-label="列">([^<]+)</td>', page
    )
    assert rows == [("事業者", "3", "事業者名"), ("事業者", "4", "従業員数"), ("目標", "2", "事業者コード")]
    assert (await client.get("/api/v1/businesses")).json()["items"] == []

    page = await imported(workbook([business_row()], [goal_row()]), dry_run=False)
    assert "取り込みました" in page
    [stored] = (await client.get("/api/v1/businesses")).json()["items"]
    assert stored["name"] == "有限会社加賀漆器工房"
