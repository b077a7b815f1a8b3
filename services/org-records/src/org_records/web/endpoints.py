"""画面: the pages of the web UI. Each page reads and writes through the REST APIs with the signed-in staff's token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData

from banso_core.vocabulary import (
    Approach,
    Attitude,
    BusinessForm,
    EmployeeBand,
    GoalCategory,
    GoalStatus,
    NoticeCategory,
    OrgKind,
    SessionChannel,
    SupportStage,
    jsic,
    label_of,
)
from org_records.fiscal import fiscal_year_of, today_in_japan
from org_records.web.api import Api, ApiError, HubUnavailable
from org_records.web.messages import form_errors, japanese_only, plain_message
from org_records.web.rendering import templates
from org_records.web.security import (
    CSRF_FIELD,
    SESSION_COOKIE,
    CsrfRefused,
    SignInRequired,
    checked_form,
    csrf_token,
    end_session,
    keep_csrf_cookie,
    start_session,
)

router = APIRouter(include_in_schema=False)

SERVICE_NAMES = {
    "records": "記録サービス",
    "exchange": "目標の共有（exchange）",
    "notices": "お知らせ",
    "analytics": "集計・分析",
}
CHARTS = {
    "approach-attitude": "支援者のアプローチ × 事業者の姿勢",
    "achievement-by-category": "目標カテゴリ別の達成率",
    "trend": "アプローチ別の支援回数の推移",
}
CHOICES = {
    "business_forms": BusinessForm.labels(),
    "support_stages": SupportStage.labels(),
    "goal_categories": GoalCategory.labels(),
    "goal_statuses": GoalStatus.labels(),
    "channels": SessionChannel.labels(),
    "approaches": Approach.labels(),
    "attitudes": Attitude.labels(),
    "org_kinds": {kind.value: kind.label for kind in OrgKind if kind not in (OrgKind.prefecture, OrgKind.other)},
    "notice_categories": NoticeCategory.labels(),
}


PAGE_HEADERS = {
    # No script runs on these pages; inline style attributes draw the bars of the charts.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context |= {"csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request), "choices": CHOICES}
    context.setdefault("me", getattr(request.state, "me", None))
    context.setdefault("org_name", request.app.state.org.org_name)
    context.setdefault("me_org", request.app.state.org.org_id)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(PAGE_HEADERS)
    keep_csrf_cookie(request, response)
    return response


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def safe_next(path: str | None) -> str:
    """Only a path of this site, so that ログイン never sends anyone elsewhere."""
    # Browsers drop tabs and newlines from URLs and read a backslash as a slash: "/\t/evil" is "//evil".
    if (
        not path
        or not path.startswith("/")
        or "\\" in path
        or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in path)
    ):
        return "/"
    return "/" if path.startswith("//") else path


@dataclass
class Page:
    """What every signed-in page has: the request, the REST client with the staff's token, and the staff."""

    request: Request
    api: Api
    me: dict[str, Any]

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, template, status_code, **context)


async def signed_in(request: Request) -> AsyncIterator[Page]:
    token = request.cookies.get(SESSION_COOKIE)
    next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not token:
        raise SignInRequired(next_path)
    api = Api.open(request.app, token)
    try:
        try:
            me = await api.get("records", "/api/v1/auth/me")
        except ApiError as error:
            if error.status_code in (401, 403):
                raise SignInRequired(next_path) from error
            raise
        request.state.me = me
        yield Page(request, api, me)
    finally:
        await api.close()


SignedIn = Annotated[Page, Depends(signed_in)]
Form = Annotated[FormData, Depends(checked_form)]


def text_of(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def fields_of(form: FormData, names: tuple[str, ...]) -> dict[str, Any]:
    """The filled-in fields (blank ones left out, so that the API's defaults and required checks apply)."""
    return {name: value for name in names if (value := text_of(form, name)) is not None}


# ログイン・ログアウト


@router.get("/signin", response_class=HTMLResponse)
async def signin_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "signin.html", next=safe_next(next), login="", error=None)


@router.post("/signin", response_class=HTMLResponse)
async def sign_in(request: Request, form: Form) -> Response:
    login, password = text_of(form, "login") or "", form.get("password")
    next_path = safe_next(text_of(form, "next"))
    api = Api.open(request.app, None)
    try:
        issued = await api.post(
            "records", "/api/v1/auth/token", {"login": login, "password": password if isinstance(password, str) else ""}
        )
    except ApiError as error:
        message = (
            "ログインIDとパスワードを入力してください"
            if error.status_code == 422
            else "ログインIDまたはパスワードが違います"
        )
        return render(request, "signin.html", 401, next=next_path, login=login, error=message)
    finally:
        await api.close()
    response = see_other(next_path)
    start_session(request, response, issued["access_token"], int(issued["expires_in"]))
    return response


@router.post("/signout")
async def sign_out(request: Request, form: Form) -> Response:
    response = see_other("/signin")
    end_session(request, response)
    return response


# 担当先一覧・事業者


@router.get("/", response_class=HTMLResponse)
async def my_businesses(page: SignedIn, everyone: bool = False) -> HTMLResponse:
    found = await page.api.get("records", "/api/v1/businesses", staff_id=None if everyone else page.me["id"], limit=500)
    nobody_assigned = not everyone and not found["items"]
    if nobody_assigned:  # an administrator, or someone new: the register rather than an empty page
        everyone = True
        found = await page.api.get("records", "/api/v1/businesses", limit=500)
    businesses = sorted(found["items"], key=lambda business: business.get("name_kana") or business["name"])

    latest = await page.api.get(
        "records", "/api/v1/sessions/latest", business_id=[business["id"] for business in businesses]
    )
    latest_of = {session["business_id"]: session for session in latest["items"]}
    rows = [{"business": business, "latest": latest_of.get(business["id"])} for business in businesses]
    return page.render("businesses.html", rows=rows, everyone=everyone, nobody_assigned=nobody_assigned)


BUSINESS_FIELDS = (
    "name",
    "name_kana",
    "representative",
    "address",
    "phone",
    "email",
    "corporate_number",
    "business_form",
    "jsic_major",
    "jsic_middle",
    "employees",
    "support_stage",
)


async def staff_choices(page: Page) -> dict[str, str]:
    staff = await page.api.get("records", "/api/v1/staff")
    return {str(member["id"]): member["display_name"] for member in staff if member.get("active", True)}


async def business_form_page(
    page: Page, business: dict[str, Any], errors: dict[str, list[str]], status_code: int = 200
) -> HTMLResponse:
    return page.render(
        "business_form.html",
        status_code,
        business=business,
        errors=errors,
        staff=await staff_choices(page),
        jsic_majors=jsic().majors,
    )


@router.get("/businesses/new", response_class=HTMLResponse)
async def new_business(page: SignedIn) -> HTMLResponse:
    return await business_form_page(
        page, {"staff_id": page.me["id"], "support_stage": "active", "business_form": "corporation"}, {}
    )


def business_of(form: FormData) -> dict[str, Any]:
    fields = fields_of(form, BUSINESS_FIELDS)
    fields["sharing_consent"] = form.get("sharing_consent") == "on"
    fields["staff_id"] = text_of(form, "staff_id")
    return fields


@router.post("/businesses/new", response_class=HTMLResponse)
async def create_business(page: SignedIn, form: Form) -> Response:
    fields = business_of(form)
    try:
        created = await page.api.post("records", "/api/v1/businesses", fields)
    except ApiError as error:
        if error.status_code not in (409, 422):
            raise
        return await business_form_page(page, fields, form_errors(error.detail), 422)
    return see_other(f"/businesses/{created['id']}")


@router.get("/businesses/{business_id}/edit", response_class=HTMLResponse)
async def edit_business(business_id: int, page: SignedIn) -> HTMLResponse:
    business = await page.api.get("records", f"/api/v1/businesses/{business_id}")
    return await business_form_page(page, business, {})


@router.post("/businesses/{business_id}/edit", response_class=HTMLResponse)
async def update_business(business_id: int, page: SignedIn, form: Form) -> Response:
    fields = business_of(form)
    patch = {name: fields.get(name) for name in (*BUSINESS_FIELDS, "sharing_consent", "staff_id")}
    patch["version"] = text_of(form, "version")
    try:
        await page.api.patch("records", f"/api/v1/businesses/{business_id}", patch)
    except ApiError as error:
        if error.status_code not in (409, 422):
            raise
        errors = form_errors(error.detail)
        if error.status_code == 409:
            errors = {"": ["ほかの人が先に更新しました。画面を開き直してから入力してください"]}
        return await business_form_page(page, fields | {"id": business_id}, errors, error.status_code)
    return see_other(f"/businesses/{business_id}")


def quarter_chart(quarters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last eight quarters' sales, target next to actual, as bar heights (percent of the largest)."""
    recent = quarters[-8:]
    largest = max([q.get("sales_target") or 0 for q in recent] + [q.get("sales_actual") or 0 for q in recent] + [1])
    return [
        {
            "label": f"{q['fiscal_year_code']} Q{q['quarter']}",
            "target": q.get("sales_target"),
            "actual": q.get("sales_actual"),
            "target_height": round(100 * (q.get("sales_target") or 0) / largest),
            "actual_height": round(100 * (q.get("sales_actual") or 0) / largest),
        }
        for q in recent
    ]


@router.get("/businesses/{business_id}", response_class=HTMLResponse)
async def business_page(business_id: int, page: SignedIn) -> HTMLResponse:
    api = page.api
    business, goals, sessions, financials, policy, outcomes = await asyncio.gather(
        api.get("records", f"/api/v1/businesses/{business_id}"),
        api.get("records", "/api/v1/goals", business_id=business_id, limit=500),
        api.get("records", f"/api/v1/businesses/{business_id}/sessions", limit=200),
        api.get("records", f"/api/v1/businesses/{business_id}/financials"),
        api.get("records", f"/api/v1/businesses/{business_id}/policy-supports"),
        api.get("records", f"/api/v1/businesses/{business_id}/outcomes"),
    )
    tasks = await asyncio.gather(
        *(api.get("records", "/api/v1/tasks", goal_id=goal["id"], limit=500) for goal in goals["items"])
    )
    goal_texts = {goal["id"]: goal["text"] for goal in goals["items"]}
    quarters = financials["items"]
    return page.render(
        "business.html",
        business=business,
        goals=[{"goal": goal, "tasks": found["items"]} for goal, found in zip(goals["items"], tasks, strict=True)],
        sessions=sessions["items"],
        goal_texts=goal_texts,
        quarters=quarters,
        chart=quarter_chart(quarters),
        policy_supports=policy["items"],
        outcomes=outcomes["items"],
    )


# 支援記録


SESSION_FIELDS = ("held_on", "channel", "minutes", "approach", "attitude", "notes", "next_action")


async def session_form_page(
    page: Page, business_id: int, entered: dict[str, Any], errors: dict[str, list[str]], status_code: int = 200
) -> HTMLResponse:
    business, goals = await asyncio.gather(
        page.api.get("records", f"/api/v1/businesses/{business_id}"),
        page.api.get("records", "/api/v1/goals", business_id=business_id, limit=500),
    )
    return page.render(
        "session_form.html",
        status_code,
        business=business,
        goals=goals["items"],
        entered=entered,
        errors=errors,
        today=today_in_japan().isoformat(),
    )


@router.get("/businesses/{business_id}/sessions/new", response_class=HTMLResponse)
async def new_session(business_id: int, page: SignedIn) -> HTMLResponse:
    entered = {"held_on": today_in_japan().isoformat(), "channel": "visit", "goal_ids": []}
    return await session_form_page(page, business_id, entered, {})


@router.post("/businesses/{business_id}/sessions/new", response_class=HTMLResponse)
async def record_session(business_id: int, page: SignedIn, form: Form) -> Response:
    fields: dict[str, Any] = fields_of(form, SESSION_FIELDS)
    fields["goal_ids"] = [value for value in form.getlist("goal_ids") if isinstance(value, str) and value.isdigit()]
    fields["staff_id"] = page.me["id"]
    try:
        await page.api.post("records", f"/api/v1/businesses/{business_id}/sessions", fields)
    except ApiError as error:
        if error.status_code not in (409, 422):
            raise
        return await session_form_page(page, business_id, fields, form_errors(error.detail), 422)
    return see_other(f"/businesses/{business_id}#sessions")


# 目標


def labelled_preview(preview: dict[str, Any]) -> dict[str, Any]:
    """The 共有プレビュー with the labels of its codes, as the other organizations will read them."""
    if preview.get("reason"):
        preview["reason"] = japanese_only(preview["reason"])
    summary = preview.get("summary")
    if summary:
        summary |= {
            "category_label": label_of(GoalCategory, summary.get("category")),
            "business_form_label": label_of(BusinessForm, summary.get("business_form")),
            "employee_band_label": label_of(EmployeeBand, summary.get("employee_band")),
            "jsic_major_label": jsic().major_label(str(summary.get("jsic_major", ""))),
            "jsic_middle_label": jsic().middle_label(str(summary.get("jsic_middle", ""))),
        }
    return preview


GOAL_FIELDS = ("set_on", "category", "text", "status", "achieved_on")


async def goal_form_page(
    page: Page, business: dict[str, Any], goal: dict[str, Any], errors: dict[str, list[str]], status_code: int = 200
) -> HTMLResponse:
    preview = None
    if goal.get("id"):
        preview = labelled_preview(await page.api.get("records", f"/api/v1/goals/{goal['id']}/share-preview"))
    return page.render("goal_form.html", status_code, business=business, goal=goal, errors=errors, preview=preview)


def goal_of(form: FormData) -> dict[str, Any]:
    fields = fields_of(form, GOAL_FIELDS)
    fields["shared"] = form.get("shared") == "on"
    return fields


@router.get("/businesses/{business_id}/goals/new", response_class=HTMLResponse)
async def new_goal(business_id: int, page: SignedIn) -> HTMLResponse:
    business = await page.api.get("records", f"/api/v1/businesses/{business_id}")
    goal = {"set_on": today_in_japan().isoformat(), "status": "not_started", "shared": True}
    return await goal_form_page(page, business, goal, {})


@router.post("/businesses/{business_id}/goals/new", response_class=HTMLResponse)
async def create_goal(business_id: int, page: SignedIn, form: Form) -> Response:
    fields = goal_of(form) | {"staff_id": page.me["id"]}
    try:
        created = await page.api.post("records", f"/api/v1/businesses/{business_id}/goals", fields)
    except ApiError as error:
        if error.status_code not in (409, 422):
            raise
        business = await page.api.get("records", f"/api/v1/businesses/{business_id}")
        return await goal_form_page(page, business, fields, form_errors(error.detail), 422)
    return see_other(f"/goals/{created['id']}")


@router.get("/goals/{goal_id}", response_class=HTMLResponse)
async def goal_page(goal_id: int, page: SignedIn) -> HTMLResponse:
    goal = await page.api.get("records", f"/api/v1/goals/{goal_id}")
    business, preview = await asyncio.gather(
        page.api.get("records", f"/api/v1/businesses/{goal['business_id']}"),
        page.api.get("records", f"/api/v1/goals/{goal_id}/share-preview"),
    )
    preview = labelled_preview(preview)
    similar: list[dict[str, Any]] = []
    similar_problem = None
    if preview.get("shared") and preview.get("summary"):
        summary = preview["summary"]
        try:
            found = await page.api.get(
                "exchange", f"/api/v1/goals/{quote(str(summary['org_id']))}/{quote(str(summary['goal_ref']))}/similar"
            )
            similar = found["items"]
        except ApiError as error:
            similar_problem = (
                "この目標はまだ共有されていません（数秒後に表示されます）"
                if error.status_code == 404
                else "似た目標を読み込めませんでした"
            )
        except HubUnavailable:
            similar_problem = "目標の共有（exchange）に接続できません"
    return page.render(
        "goal.html", goal=goal, business=business, preview=preview, similar=similar, similar_problem=similar_problem
    )


@router.get("/goals/{goal_id}/edit", response_class=HTMLResponse)
async def edit_goal(goal_id: int, page: SignedIn) -> HTMLResponse:
    goal = await page.api.get("records", f"/api/v1/goals/{goal_id}")
    business = await page.api.get("records", f"/api/v1/businesses/{goal['business_id']}")
    return await goal_form_page(page, business, goal, {})


@router.post("/goals/{goal_id}/edit", response_class=HTMLResponse)
async def update_goal(goal_id: int, page: SignedIn, form: Form) -> Response:
    fields = goal_of(form)
    patch = {name: fields.get(name) for name in (*GOAL_FIELDS, "shared")} | {"version": text_of(form, "version")}
    try:
        await page.api.patch("records", f"/api/v1/goals/{goal_id}", patch)
    except ApiError as error:
        if error.status_code not in (409, 422):
            raise
        goal = await page.api.get("records", f"/api/v1/goals/{goal_id}")
        business = await page.api.get("records", f"/api/v1/businesses/{goal['business_id']}")
        errors = form_errors(error.detail)
        if error.status_code == 409:
            errors = {"": ["ほかの人が先に更新しました。画面を開き直してから入力してください"]}
        return await goal_form_page(page, business, goal | fields, errors, error.status_code)
    return see_other(f"/goals/{goal_id}")


# 検索・問い合わせ


@router.get("/search", response_class=HTMLResponse)
async def search(
    page: SignedIn,
    q: str = "",
    category: str = "",
    jsic_major: str = "",
    org_kind: str = "",
    set_from: str = "",
) -> HTMLResponse:
    filters = {"q": q, "category": category, "jsic_major": jsic_major, "org_kind": org_kind, "set_from": set_from}
    result, problem = None, None
    if any(filters.values()):
        try:
            result = await page.api.get("exchange", "/api/v1/goals/search", **filters, limit=50)
        except ApiError as error:
            if error.status_code != 422:
                raise
            problem = "; ".join(message for messages in form_errors(error.detail).values() for message in messages)
    return page.render("search.html", filters=filters, result=result, problem=problem, jsic_majors=jsic().majors)


def asked_goal(form: FormData | dict[str, Any]) -> dict[str, str]:
    """The goal asked about, as the search result showed it (shown again on the form; only its reference is sent)."""
    return {name: str(form.get(name) or "") for name in ("org_id", "goal_ref", "org_name", "staff_name", "text")}


@router.get("/inquiries/new", response_class=HTMLResponse)
async def new_inquiry(request: Request, page: SignedIn) -> HTMLResponse:
    return page.render("inquiry_form.html", goal=asked_goal(dict(request.query_params)), body="", errors={})


@router.post("/inquiries/new", response_class=HTMLResponse)
async def ask(page: SignedIn, form: Form) -> Response:
    org_id, goal_ref, body = text_of(form, "org_id") or "", text_of(form, "goal_ref") or "", text_of(form, "body")
    try:
        asked = await page.api.post(
            "exchange", "/api/v1/inquiries", {"org_id": org_id, "goal_ref": goal_ref, "body": body}
        )
    except ApiError as error:
        if error.status_code != 422:
            raise
        return page.render(
            "inquiry_form.html", 422, goal=asked_goal(form), body=body or "", errors=form_errors(error.detail)
        )
    return see_other(f"/inquiries/{asked['inquiry_id']}")


@router.get("/inquiries", response_class=HTMLResponse)
async def my_inquiries(page: SignedIn) -> HTMLResponse:
    threads = await page.api.get("exchange", "/api/v1/inquiries", limit=100)
    return page.render("inquiries.html", threads=threads["items"])


@router.get("/inquiries/{inquiry_id}", response_class=HTMLResponse)
async def inquiry_thread(inquiry_id: str, page: SignedIn) -> HTMLResponse:
    thread = await page.api.get("exchange", f"/api/v1/inquiries/{quote(inquiry_id)}")
    return page.render("inquiry.html", thread=thread)


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(page: SignedIn) -> HTMLResponse:
    found = await page.api.get("records", "/api/v1/inbox", limit=100)
    return page.render("inbox.html", inquiries=found["items"], errors={})


@router.post("/inbox/{inquiry_id}/replies", response_class=HTMLResponse)
async def reply(inquiry_id: str, page: SignedIn, form: Form) -> Response:
    try:
        await page.api.post("records", f"/api/v1/inbox/{quote(inquiry_id)}/replies", {"body": text_of(form, "body")})
    except ApiError as error:
        if error.status_code != 422:
            raise
        found = await page.api.get("records", "/api/v1/inbox", limit=100)
        return page.render("inbox.html", 422, inquiries=found["items"], errors={inquiry_id: form_errors(error.detail)})
    return see_other(f"/inbox#inquiry-{inquiry_id}")


# お知らせ


@router.get("/notices", response_class=HTMLResponse)
async def notices(page: SignedIn, q: str = "") -> HTMLResponse:
    found = await page.api.get("notices", "/api/v1/notices", q=q, limit=100)
    return page.render("notices.html", notices=found["items"], q=q)


NOTICE_LABELS = {"category": "カテゴリ", "body": "本文", "title": "件名"}


def may_post_official(page: Page) -> bool:
    return bool(page.me["role"] == "prefecture" or page.request.app.state.org.org_kind == OrgKind.prefecture)


def notice_of(form: FormData, official_allowed: bool) -> dict[str, Any]:
    kind = "official" if official_allowed and form.get("kind") == "official" else "post"
    fields: dict[str, Any] = {"kind": kind} | fields_of(form, ("title", "body", "category"))
    org_kinds = [value for value in form.getlist("org_kinds") if isinstance(value, str)]
    fields["audience"] = {"org_kinds": org_kinds}
    fields["pinned"] = kind == "official" and form.get("pinned") == "on"
    return fields


@router.get("/notices/new", response_class=HTMLResponse)
async def new_notice(page: SignedIn) -> HTMLResponse:
    official = may_post_official(page)
    entered: dict[str, Any] = {"kind": "official" if official else "post", "audience": {"org_kinds": []}}
    return page.render("notice_form.html", entered=entered, errors={}, official=official)


@router.post("/notices/new", response_class=HTMLResponse)
async def post_notice(page: SignedIn, form: Form) -> Response:
    official = may_post_official(page)
    fields = notice_of(form, official)
    try:
        posted = await page.api.post("notices", "/api/v1/notices", fields)
    except ApiError as error:
        if error.status_code != 422:
            raise
        errors = form_errors(error.detail, NOTICE_LABELS)
        return page.render("notice_form.html", 422, entered=fields, errors=errors, official=official)
    return see_other(f"/notices/{posted['id']}")


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
async def notice_page(notice_id: int, page: SignedIn) -> HTMLResponse:
    notice = await page.api.get("notices", f"/api/v1/notices/{notice_id}")
    if not notice.get("read"):
        await page.api.post("notices", f"/api/v1/notices/{notice_id}/read")
    receipts = None
    mine = notice["author_org_id"] == page.request.app.state.org.org_id and notice["author_staff_id"] == page.me["id"]
    if mine or page.me["role"] == "prefecture":
        receipts = await page.api.get("notices", f"/api/v1/notices/{notice_id}/receipts")
    return page.render("notice.html", notice=notice, errors={}, body="", receipts=receipts)


@router.post("/notices/{notice_id}/comments", response_class=HTMLResponse)
async def comment(notice_id: int, page: SignedIn, form: Form) -> Response:
    body = text_of(form, "body")
    try:
        await page.api.post("notices", f"/api/v1/notices/{notice_id}/comments", {"body": body})
    except ApiError as error:
        if error.status_code != 422:
            raise
        notice = await page.api.get("notices", f"/api/v1/notices/{notice_id}")
        errors = form_errors(error.detail, NOTICE_LABELS)
        return page.render("notice.html", 422, notice=notice, errors=errors, body=body or "", receipts=None)
    return see_other(f"/notices/{notice_id}#comments")


# 取込 (Excel / CSV)


@router.get("/import", response_class=HTMLResponse)
async def import_form(page: SignedIn) -> HTMLResponse:
    return page.render("import.html", problem=None)


@router.get("/import/template.xlsx")
async def import_template(page: SignedIn) -> Response:
    template = await page.api.call("records", "GET", "/api/v1/imports/template", params={"format": "xlsx"})
    return Response(
        template.content,
        media_type=template.headers["content-type"],
        headers={"Content-Disposition": template.headers["content-disposition"]},
    )


@router.post("/import", response_class=HTMLResponse)
async def start_import(page: SignedIn, form: Form) -> Response:
    upload = form.get("file")
    if isinstance(upload, str) or upload is None or not upload.filename:
        return page.render("import.html", 422, problem="取り込むファイルを選んでください")
    content = await upload.read()
    dry_run = "true" if form.get("dry_run") == "on" else "false"
    try:
        response = await page.api.call(
            "records",
            "POST",
            "/api/v1/imports",
            params={"dry_run": dry_run},
            files={"file": (upload.filename, content, upload.content_type or "application/octet-stream")},
        )
    except ApiError as error:
        if error.status_code not in (413, 415, 422):
            raise
        messages = [message for found in form_errors(error.detail).values() for message in found]
        return page.render("import.html", 422, problem="、".join(messages) or "このファイルは取り込めません")
    return see_other(f"/import/{response.json()['id']}")


@router.get("/import/{job_id}", response_class=HTMLResponse)
async def import_job(job_id: str, page: SignedIn) -> HTMLResponse:
    job = await page.api.get("records", f"/api/v1/imports/{quote(job_id)}")
    for error in job["errors"]:
        error["message"] = plain_message(error["message"])
    return page.render("import_job.html", job=job, finished=job["status"] in ("succeeded", "failed"))


# 実績報告書


@router.get("/report", response_class=HTMLResponse)
async def annual_report(page: SignedIn, fiscal_year: int | None = None) -> HTMLResponse:
    year = fiscal_year or fiscal_year_of(today_in_japan())
    report, problem = None, None
    try:
        report = await page.api.get("records", f"/api/v1/reports/annual/{year}")
    except ApiError as error:
        if error.status_code not in (404, 409, 422):
            raise
        problem = "この年度の経営発達支援計画がないため、実績報告書を作成できません"
    years = range(fiscal_year_of(today_in_japan()), 2019, -1)
    return page.render("report.html", report=report, problem=problem, year=year, years=years)


@router.get("/report/{fiscal_year}.xlsx")
async def annual_report_workbook(fiscal_year: int, page: SignedIn) -> Response:
    workbook = await page.api.call("records", "GET", f"/api/v1/reports/annual/{fiscal_year}", params={"format": "xlsx"})
    return Response(
        workbook.content,
        media_type=workbook.headers["content-type"],
        headers={"Content-Disposition": workbook.headers["content-disposition"]},
    )


# 集計・分析


@router.get("/analytics", response_class=HTMLResponse)
async def analytics(page: SignedIn, table: str = "", fiscal_year: int | None = None) -> HTMLResponse:
    tables = await page.api.get("analytics", "/api/v1/tables")
    chosen = table or (tables["items"][0]["name"] if tables["items"] else "")
    shown = (
        await page.api.get("analytics", f"/api/v1/tables/{quote(chosen)}", fiscal_year=fiscal_year) if chosen else None
    )
    years = range(fiscal_year_of(today_in_japan()), 2019, -1)
    return page.render(
        "analytics.html",
        tables=tables["items"],
        min_businesses=tables["min_businesses"],
        table=shown,
        chosen=chosen,
        fiscal_year=fiscal_year,
        years=years,
        charts=CHARTS,
    )


@router.get("/analytics/charts/{name}.png")
async def analytics_chart(name: str, page: SignedIn) -> Response:
    if name not in CHARTS:
        raise ApiError("analytics", 404, "no such chart")
    chart = await page.api.call("analytics", "GET", f"/api/v1/charts/{quote(name)}.png")
    return Response(chart.content, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


def error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code, title=title, message=message)


def install_web(app: FastAPI) -> None:
    """The pages, their static files and how their failures are shown."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    async def on_sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        response = see_other(f"/signin?next={quote(safe_next(exc.next_path))}")
        return response

    async def on_csrf_refused(request: Request, exc: Exception) -> Response:
        return error_page(
            request,
            403,
            "送信を受け付けられませんでした",
            "画面の有効期限が切れたか、ほかのサイトからの送信です。画面を開き直してから、もう一度送信してください。",
        )

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        if exc.status_code == 401 and exc.service == "records":
            return see_other(f"/signin?next={quote(safe_next(request.url.path))}")
        if exc.status_code == 404:
            return error_page(
                request, 404, "見つかりません", "お探しの記録は見つかりませんでした。削除された可能性があります。"
            )
        if exc.status_code in (401, 403):
            return error_page(
                request, 403, "権限がありません", "この操作を行う権限がありません。団体管理者にお問い合わせください。"
            )
        return error_page(
            request,
            502,
            "エラーが発生しました",
            f"{SERVICE_NAMES[exc.service]}が処理できませんでした（{exc.status_code}）。時間をおいてもう一度お試しください。",
        )

    async def on_hub_unavailable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubUnavailable)
        return error_page(
            request,
            503,
            "接続できません",
            f"{SERVICE_NAMES[exc.service]}に接続できません。時間をおいてもう一度お試しください。",
        )

    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(CsrfRefused, on_csrf_refused)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HubUnavailable, on_hub_unavailable)
