"""The web session: the staff token in an HttpOnly cookie, and a double-submit token against cross-site forms."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from starlette.datastructures import FormData

SESSION_COOKIE = "banso_session"
CSRF_COOKIE = "banso_csrf"
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """No valid session: the page sends the browser to ログイン, and back afterwards."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came without this browser's CSRF token (another site's form, or a stale page)."""


def csrf_token(request: Request) -> str:
    """This browser's CSRF token, made on its first page; forms carry it back in a hidden field."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_token", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf_token = token
    return token


def keep_csrf_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf_token", None)
    if token is not None:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies(request), path="/")


def secure_cookies(request: Request) -> bool:
    return bool(request.app.state.settings.web_secure_cookies)


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches this browser's cookie."""
    form = await request.form()
    cookie = request.cookies.get(CSRF_COOKIE, "")
    field = form.get(CSRF_FIELD)
    if not cookie or not isinstance(field, str) or not hmac.compare_digest(cookie.encode(), field.encode()):
        raise CsrfRefused()
    return form


def start_session(request: Request, response: Response, token: str, ttl_seconds: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(request))
