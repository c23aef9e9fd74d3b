"""API middleware: speak the caller's language, refuse oversized bodies early (413 problem), answer unknown API
paths with a 404 problem, and log every authenticated API call.

Language: the site's pages carry their language in the URL prefix (`/en/...`), and Django's LocaleMiddleware
therefore answers every unprefixed path in Indonesian. The API and the Open311 façade have no prefix: their
callers choose with `Accept-Language` (RFC 9110), so error messages and labels follow that header here.

The call log is one INSERT per call made with an API key (client, operation, object, result status); calls
without a key cost nothing here. Writes a client makes are also in the hash-chained audit log, through the
services they call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from simpul.clients.auth import REQUEST_MARK
from simpul.clients.models import ApiCallLog
from simpul.core.http.problems import PROBLEM_CONTENT_TYPE, api_max_body_bytes, problem_response

logger = logging.getLogger(__name__)
API_PREFIX = "/api/"
NEGOTIATED_PREFIXES = (API_PREFIX, "/open311/")


def _carries_api_key(request: HttpRequest) -> bool:
    """Whether the request brings a credential: an Authorization header, X-API-Key, or an `api_key` parameter
    (query string, or the form body Open311 clients post)."""
    if request.META.get("HTTP_AUTHORIZATION") or request.META.get("HTTP_X_API_KEY") or "api_key" in request.GET:
        return True
    # Only read on the refusal path (plain HTTP with HTTPS on), where parsing the form costs nothing that matters.
    form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
    return request.method == "POST" and form and "api_key" in request.POST


class PlainHttpKeyMiddleware:
    """With SIMPUL_HTTPS on, an API or Open311 call over plain HTTP that carries a key is refused with 403 before
    anything reads the key, instead of being redirected to https:// (a redirect teaches the client that http://
    works, and the key has already crossed the network in clear). Placed before Django's SecurityMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (settings.HTTPS and not request.is_secure()
                and request.path.startswith(NEGOTIATED_PREFIXES) and _carries_api_key(request)):
            translation.activate(translation.get_language_from_request(request, check_path=False))
            return problem_response(
                status_code=403, code="https_required",
                detail=_("Simpul's API answers only over HTTPS. This key was sent unencrypted: call "
                         "https:// instead, and ask for a new key if the network could have been watched."),
            )
        return self.get_response(request)


def _allowed_methods(view_class: Any) -> list[str]:
    """The HTTP methods a class-based view answers (Django's `View.setup` gives `head` to a view with `get`)."""
    names = [m for m in view_class.http_method_names if hasattr(view_class, m)]
    if "get" in names and "head" not in names:
        names.append("head")
    return names


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        """A method the API operation does not have is a 405 before anything checks who calls or what is sent:
        DRF would run its authentication and permission checks first and answer 401 or 403 (a TRACE to the SMS
        webhook was refused as unsigned). `cls` is the view class that DRF's `as_view()` keeps."""
        view_class = getattr(view_func, "cls", None)
        if not request.path.startswith(API_PREFIX) or view_class is None:
            return None
        allowed = _allowed_methods(view_class)
        if (request.method or "").lower() in allowed:
            return None
        return problem_response(
            status_code=405, code="method_not_allowed",
            detail=_('Method "{method}" not allowed.').format(method=request.method),
            headers={"Allow": ", ".join(m.upper() for m in allowed)},
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        negotiated = request.path.startswith(NEGOTIATED_PREFIXES)
        if negotiated:
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self._respond(request)
        if negotiated:
            patch_vary_headers(response, ("Accept-Language",))
        return response

    def _respond(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            limit = api_max_body_bytes()
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if limit and length > limit:
                return problem_response(
                    status_code=413, code="payload_too_large",
                    detail=_("The request body is larger than the limit of {limit} bytes.").format(limit=limit),
                )
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            # No such API path: answer in the API's error format, not with the HTML page.
            response = problem_response(status_code=404, code="not_found", detail=_("No such API path."))
        mark = getattr(request, REQUEST_MARK, None)
        if mark is not None:
            self._log(request, response, mark)
        return response

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, mark: tuple[int, str]) -> None:
        client_id, prefix = mark
        match = request.resolver_match
        operation = (match.view_name if match else "") or request.path
        object_id = ",".join(str(v) for v in (match.kwargs.values() if match else []))
        try:
            ApiCallLog.objects.create(
                client_id=client_id, key_prefix=prefix, method=request.method or "",
                operation=operation[:200], object_id=object_id[:200], status=response.status_code,
            )
        except Exception:
            logger.exception("could not write the API call log")
