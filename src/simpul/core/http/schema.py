"""OpenAPI (drf-spectacular) helpers for problem details: the `Problem` schema every operation's `default`
response refers to (`add_problem_responses`, a post-processing hook in settings) and `problem(...)` for an
operation's documented errors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable code."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field (validation problems only).",
        },
        "retry_after": {"type": "integer", "description": "Seconds to wait (429 only)."},
    },
    "required": ["type", "title", "status", "detail", "code"],
}


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation's `default` response is a Problem."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", PROBLEM_SCHEMA)
    reference = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "patch", "delete"} or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "default",
                {"description": "An error, as problem details.",
                 "content": {"application/problem+json": {"schema": reference}}},
            )
    return result


PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem(description: str, **extensions: dict[str, Any]) -> Any:
    """One documented error response for `extend_schema(responses={(status, PROBLEM_MEDIA_TYPE): problem(...)})`:
    the Problem schema, plus the extension members this operation always adds (name -> JSON schema)."""
    schema: dict[str, Any] = PROBLEM_REF
    if extensions:
        schema = {"allOf": [PROBLEM_REF, {"type": "object", "properties": extensions,
                                          "required": sorted(extensions)}]}
    return OpenApiResponse(response=schema, description=description)


# What an idempotent write documents (`simpul.clients.idempotency.write`): its header and its errors.
PROBLEM = OpenApiResponse(description="RFC 9457 problem details (`application/problem+json`).")
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="Optional client-made key (a UUID). A retry with the same key and body answers 200 with the "
                "first response; the same key with another body 422; while the first still runs 409.",
)
WRITE_ERRORS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM}
