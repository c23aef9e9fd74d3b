"""The server's side of the offline outbox (static/simpul/offline.js): answers a queued form can trust, the key
that keeps a queued form unreadable to the next person at a shared device, and no browser copies of personal pages.

A form sent again by the outbox carries the header `X-Simpul-Outbox: 1`. Its view answers through these helpers,
which send JSON to the outbox and the usual redirect (or page) to a browser without JavaScript:

- `outbox_answer(request, url=..., reference=...)`: accepted. With the case's reference it means "sent" (the only
  answer the outbox shows as sent); without, a step of the form was saved ("saved", with the next step's URL).
- `outbox_refused(request, errors, url=...)`: refused (422) with the reasons in the request's language, so the
  person reads why and opens the form again to fix it.

Anything else (a redirect to the log-in page after an idle logout, an HTML page, a server error) is not an
answer: the outbox keeps the item, says so, and sends it again with the same idempotency key.

`outbox_key(request)` is the AES-GCM key the outbox encrypts queued items with, derived here from SECRET_KEY and
the logged-in user (or, for a visitor, the session): the browser keeps it only in memory, so after a logout the
queue stays on the device but nobody else can read it; the same person logging in again gets the same key and
their queue goes out. `PrivatePagesMiddleware` marks every page of a logged-in user or of a visitor with a
session (a draft, a PIN, a tracked case) `Cache-Control: private, no-store`, so no browser cache or history keeps
them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

OUTBOX_HEADER = "X-Simpul-Outbox"
NO_STORE = "private, no-store"


def is_outbox(request: HttpRequest) -> bool:
    """The request is a form the offline outbox sends again (not a person pressing the button)."""
    return request.headers.get(OUTBOX_HEADER) == "1"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def outbox_answer(request: HttpRequest, *, url: str, reference: str = "") -> HttpResponse:
    """Accepted: JSON for the outbox (`sent` with the case's reference, or `saved` for a step), else a redirect."""
    if not is_outbox(request):
        return HttpResponseRedirect(url)
    body = {"status": "sent" if reference else "saved", "reference": reference, "url": url}
    return _no_store(JsonResponse(body))


def outbox_refused(request: HttpRequest, errors: Iterable[str], *, url: str) -> HttpResponse:
    """Refused: the reasons (already translated) for the outbox to show next to "Fix it" (422)."""
    reasons = [str(e) for e in errors if str(e)]
    return _no_store(JsonResponse({"status": "refused", "errors": reasons, "url": url}, status=422))


def flat_errors(errors: Any) -> list[str]:
    """The messages of a form's errors or of a {field: [messages]} dict, in order."""
    out: list[str] = []
    for value in dict(errors).values():
        out.extend(str(m) for m in (value if isinstance(value, list | tuple) else list(value)))
    return out


def _derive(purpose: str, scope: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"simpul-outbox:{purpose}:{scope}".encode(), hashlib.sha256).digest()


def outbox_scope(request: HttpRequest) -> str:
    """Whose queue: the logged-in user, or this visitor's session (created when missing)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


def outbox_key(request: HttpRequest) -> dict[str, str]:
    """The raw AES-256 key (base64) and a non-secret owner tag (the items this key can open)."""
    scope = outbox_scope(request)
    return {
        "key": base64.b64encode(_derive("key", scope)).decode("ascii"),
        "owner": _derive("owner", scope).hex()[:16],
    }


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every page of a logged-in user or of a visitor with a session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        personal = (
            (user is not None and user.is_authenticated)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or settings.SESSION_COOKIE_NAME in response.cookies
        )
        if personal and response.get("Content-Type", "").startswith(("text/html", "application/json")):
            response["Cache-Control"] = NO_STORE
        return response
