"""What every request passes: the access token, the cross-site check, the
body size limit and the security headers of every response.

- **Token** (when the server has one): a cookie set from ``?token=`` on the
  first visit (then the address is reloaded without it), or an
  ``Authorization: Bearer`` header; every request without it gets 401.
- **Cross-site requests**: a state-changing request (anything but GET and
  HEAD) from another site is refused, by its ``Origin`` (or
  ``Sec-Fetch-Site``) header; each form also carries a token that must match
  the page's cookie (:func:`check_form_token`, called by the routes).
- **Size**: a request body larger than the limit is refused before it is
  read (``Content-Length``) or as soon as it grows beyond it.
- **Headers**: a Content-Security-Policy that allows no inline and no
  third-party script (pages may set a stricter one), ``nosniff``, no
  referrer to other sites, no framing.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, RedirectResponse

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "kaoa_token"
FORM_COOKIE = "kaoa_form"
FORM_FIELD = "form_token"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_FORM_ALLOWANCE = 64 * 1024  # bytes of a form beyond its file (fields, boundaries)


class BodyTooLarge(Exception):
    """The request body grew beyond the limit while it was read."""


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_upload: int) -> None:
        self.app, self.token, self.max_upload = app, token, max_upload
        self.max_body = max_upload + _FORM_ALLOWANCE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cookies = _cookies(headers.get("cookie", ""))
        refused = self._refusal(scope, headers, cookies)
        if refused is not None:
            await _with_headers(refused, None)(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if self.token is not None and "token" in query:
            await _with_headers(self._enter(scope, query), None)(scope, receive, send)
            return
        form_token = cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
        scope.setdefault("state", {})["form_token"] = form_token
        new_cookie = None if FORM_COOKIE in cookies else form_token
        await self.app(scope, self._limited(receive), _headers_sender(send, new_cookie))

    def _refusal(
        self, scope: Scope, headers: dict[str, str], cookies: dict[str, str]
    ) -> HTMLResponse | None:
        if self.token is not None and not self._has_token(scope, headers, cookies):
            return _message_page(
                401,
                "Zugang nur mit Schlüssel",
                "Dieser Server verlangt einen Zugangsschlüssel. Bitte die vollständige "
                "Adresse öffnen, die beim Start des Servers ausgegeben wurde (sie endet auf "
                "?token=…), oder bei der Person nachfragen, die ihn gestartet hat.",
            )
        if scope["method"] not in _SAFE_METHODS and _cross_site(headers):
            return _message_page(
                403,
                "Anfrage von einer fremden Seite abgelehnt",
                "Diese Anfrage kam nicht von der Planungsseite selbst und wurde abgelehnt; "
                "nichts wurde geändert. Bitte die Planungsseite direkt öffnen.",
            )
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            return _message_page(
                413,
                "Datei zu groß",
                f"Die Datei ist zu groß: höchstens {self.max_upload / 2**20:g} MB. Nichts wurde "
                "gespeichert.",
            )
        return None

    def _has_token(self, scope: Scope, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        assert self.token is not None
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        return any(
            secrets.compare_digest(given.encode(), self.token.encode())
            for given in (cookies.get(TOKEN_COOKIE, ""), bearer, query.get("token", ""))
            if given
        )

    def _enter(self, scope: Scope, query: dict[str, str]) -> RedirectResponse:
        """The first visit with ``?token=``: keep it in a cookie, reload without it."""
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        target = scope["path"] + (f"?{rest}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(TOKEN_COOKIE, self.token or "", httponly=True, samesite="strict")
        return response

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        return limited


def _cross_site(headers: dict[str, str]) -> bool:
    """Whether the request came from another site. Browsers send
    ``Sec-Fetch-Site`` (a page cannot forge it); older ones only ``Origin``."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-site request; the form token still applies
    return origin == "null" or origin.split("://", 1)[-1] != headers.get("host", "")


def check_form_token(request: Request, form: FormData) -> bool:
    """The form's token matches the page's cookie (cross-site request check)."""
    given = form.get(FORM_FIELD)
    expected = request.cookies.get(FORM_COOKIE)
    return (
        isinstance(given, str)
        and expected is not None
        and secrets.compare_digest(given.encode(), expected.encode())
    )


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed cookie header is no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _message_page(status: int, title: str, text: str) -> HTMLResponse:
    from html import escape

    body = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><main>"
        f'<h1>{escape(title)}</h1><p class="error" id="message">{escape(text)}</p>'
        '<p><a href="/">Zur Startseite</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=status)


def _with_headers(response: HTMLResponse | RedirectResponse, cookie: str | None) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await response(scope, receive, _headers_sender(send, cookie))

    return app


def _headers_sender(send: Send, form_cookie: str | None) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if "content-security-policy" not in headers:
                headers["Content-Security-Policy"] = PAGE_CSP
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Referrer-Policy"] = "same-origin"
            headers["X-Frame-Options"] = "DENY"
            headers["Cross-Origin-Opener-Policy"] = "same-origin"
            if form_cookie is not None:
                headers.append(
                    "Set-Cookie", f"{FORM_COOKIE}={form_cookie}; Path=/; HttpOnly; SameSite=Strict"
                )
        await send(message)

    return sender
