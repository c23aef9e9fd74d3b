"""Idempotent writes of an API view: `write(request, handler)` runs the handler once per client and
`Idempotency-Key` (`simpul.core.idempotency`), in one transaction, and answers its (status, body); a replay gets
the first answer, another body with the same key a 422 problem. Document such an operation with
`simpul.core.http.schema.IDEMPOTENCY_HEADER` and `WRITE_ERRORS`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.clients.auth import api_client_from_request
from simpul.core.http.problems import problem_response
from simpul.core.idempotency import (
    idempotency_key_header,
    idempotent,
    request_body_for_fingerprint,
    request_fingerprint,
)


def write(request: Request, handler: Callable[[], tuple[int, dict[str, Any]]]) -> Response:
    """Run a write once per `Idempotency-Key` (when given) in one transaction; answer its (status, body).

    Call before touching `request.data` (the fingerprint needs the raw body).
    """
    client = api_client_from_request(request)
    key = idempotency_key_header(request)
    if not key:
        with transaction.atomic():
            status, body = handler()
        return Response(body, status=status)
    fingerprint = request_fingerprint(request.method or "POST", request.path, request_body_for_fingerprint(request))
    result = idempotent(scope=f"api:{client.pk if client else 'anon'}", key=key, fingerprint=fingerprint,
                        handler=handler)
    if result.outcome in ("conflict", "in_flight", "invalid_key"):
        return problem_response(status_code=result.status, code=result.body.get("code", "idempotency"),
                                detail=result.body.get("detail", ""))
    response = Response(result.body, status=result.status)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
