"""Headers on every answer, and the CSRF token every form carries.

The Content-Security-Policy allows scripts from this site only, plus the one inline script
GOV.UK Frontend's template writes (it marks the body js-enabled), by a nonce made per answer.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request


def csp(nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        request.state.nonce = secrets.token_urlsafe(16)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = csp(request.state.nonce)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.url.path != "/health" and not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # pages carry names: no shared or back-button copies
        return response


def csrf_token(request: Request) -> str:
    """The session's token, made on first use; every form sends it back as csrf_token."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, sent: object) -> bool:
    expected = request.session.get("csrf")
    return bool(expected) and isinstance(sent, str) and hmac.compare_digest(expected, sent)
