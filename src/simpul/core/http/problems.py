"""One error format for the whole API: RFC 9457 problem details (application/problem+json).

Every error body looks like::

    {"type": "https://<SITE_URL>/masalah/<code>/", "title": "...", "status": 403,
     "detail": "...", "code": "<stable_code>", "errors": {"field": ["message", ...]}}

`code` is stable (clients switch on it); `type` is the address of a page that explains the code to a person
(`simpul.core.http.problem_types`); `title` and `detail` are translated (Accept-Language, Indonesian
by default), never a library's own English message. `errors` is present for validation problems and names each field. Set as DRF's
`EXCEPTION_HANDLER`; views raise DRF exceptions (or the ones below) and never build error bodies by hand.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from simpul.core.http.problem_types import problem_type_uri

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("Invalid request"),
    401: gettext_lazy("Authentication needed"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Format not available"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("Request cannot be processed"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Server error"),
    503: gettext_lazy("Service unavailable"),
}

# Stable codes for DRF's own exceptions.
CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ValidationError: "invalid",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is larger than the limit of {limit} bytes.")
    default_code = "payload_too_large"

    def __init__(self, limit: int | None = None) -> None:
        limit = limit or api_max_body_bytes()
        super().__init__(detail=str(self.default_detail).format(limit=limit))


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class ProblemError(exceptions.APIException):
    """An error with its own status and stable code, and optional extension members (RFC 9457 section 3.2),
    e.g. the parts an upload still misses: `ProblemError(status_code=409, code="upload_incomplete",
    detail=_("..."), missing=[2, 3])`. `errors` (messages per field) may be passed as an extension too."""

    def __init__(self, *, status_code: int, code: str, detail: str, **extensions: Any) -> None:
        self.status_code = status_code
        super().__init__(detail=detail, code=code)
        self.extensions = extensions


def api_max_body_bytes() -> int:
    return int(settings.API_MAX_BODY_BYTES or settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def problem_body(*, status_code: int, code: str, detail: str, title: str = "",
                 errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type_uri(code),
        "title": str(title or TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(*, status_code: int, code: str, detail: str, title: str = "",
                     errors: dict[str, list[str]] | None = None,
                     headers: dict[str, str] | None = None) -> JsonResponse:
    """A plain Django response in the problem format, for middleware and non-DRF views."""
    response = JsonResponse(
        problem_body(status_code=status_code, code=code, detail=detail, title=title, errors=errors),
        status=status_code, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "items.0.name": [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _code_of(exc: exceptions.APIException) -> str:
    for cls in type(exc).__mro__:
        if cls in CODES:
            code = CODES[cls]
            break
    else:
        code = getattr(exc, "default_code", "") or "error"
    # An exception raised with an explicit code (PermissionDenied(code="scope_missing")) keeps it.
    detail = exc.detail
    if not isinstance(exc, exceptions.ValidationError) and getattr(detail, "code", None) not in (
        None, getattr(exc, "default_code", None)
    ):
        code = str(detail.code)
    return code


def _malformed_detail(exc: exceptions.ParseError) -> str:
    """A parser's own message ("JSON parse error - Expecting value: line 1 column 1 (char 0)") is English and
    speaks of the parser; the caller gets a sentence in their language instead, and the place in `position`."""
    if isinstance(exc.__context__, ValueError):  # DRF's JSON parser: bad syntax, encoding or NaN
        return _("The request body is not valid JSON. Check it (for example with a JSON validator) and send it "
                 "again.")
    return _("The request body cannot be read in the content type it was sent with. Check the body and its "
             "Content-Type header, and send it again.")


def _parse_position(exc: exceptions.ParseError) -> dict[str, Any]:
    """The extension member `position` ({"line", "column", "offset"}, counted from 1, 1 and 0) where the JSON
    parser stopped, when it said."""
    cause = exc.__context__
    if isinstance(cause, json.JSONDecodeError):
        return {"position": {"line": cause.lineno, "column": cause.colno, "offset": cause.pos}}
    return {}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler producing RFC 9457 problem details."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None
        # An unexpected error: log it (and let the test client re-raise it), answer with a problem body.
        request = context.get("request")
        signals.got_request_exception.send(sender=None, request=getattr(request, "_request", request))
        logger.error("API error in %s", context.get("view").__class__.__name__, exc_info=sys.exc_info())
        set_rollback()
        response = Response(status=500)
        body = problem_body(status_code=500, code="server_error",
                            detail=_("Something went wrong on our side. Please try again later."))
    else:
        assert isinstance(exc, exceptions.APIException)  # noqa: S101 - DRF only handles these
        code = _code_of(exc)
        if isinstance(exc, exceptions.ValidationError):
            errors = _flatten(exc.detail)
            body = problem_body(status_code=response.status_code, code=code,
                                detail=_("Some fields are not valid; see errors."), errors=errors)
        elif isinstance(exc, exceptions.ParseError):
            body = problem_body(status_code=response.status_code, code=code, detail=_malformed_detail(exc))
            body.update(_parse_position(exc))
        else:
            body = problem_body(status_code=response.status_code, code=code, detail=str(exc.detail))
        for name, value in (getattr(exc, "extensions", None) or {}).items():
            body.setdefault(name, value)  # extension members never replace the standard ones
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait + 0.999)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
