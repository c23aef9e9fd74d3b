"""Shared plumbing of the exchange and webhook APIs: idempotent writes and the problem schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.clients.auth import api_client_from_request
from simpul.core.http.problems import problem_response
from simpul.core.idempotency import idempotent, request_fingerprint

PROBLEM = OpenApiResponse(description="RFC 9457 problem details (`application/problem+json`).")
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="Optional client-made key (a UUID). A retry with the same key and body answers 200 with the "
                "first response; the same key with another body 422; while the first still runs 409.",
)
WRITE_ERRORS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM}


def write(request: Request, handler: Callable[[], tuple[int, dict[str, Any]]]) -> Response:
    """Run a write once per `Idempotency-Key` (when given) in one transaction; answer its (status, body).

    Call before touching `request.data` (the fingerprint needs the raw body).
    """
    client = api_client_from_request(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        with transaction.atomic():
            status, body = handler()
        return Response(body, status=status)
    fingerprint = request_fingerprint(request.method or "POST", request.path, request.body)
    result = idempotent(scope=f"api:{client.pk if client else 'anon'}", key=key, fingerprint=fingerprint,
                        handler=handler)
    if result.outcome in ("conflict", "in_flight", "invalid_key"):
        return problem_response(status_code=result.status, code=result.body.get("code", "idempotency"),
                                detail=result.body.get("detail", ""))
    response = Response(result.body, status=result.status)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
