"""OpenAPI (drf-spectacular) for the whole API, so that the schema says what the server does:

- `SimpulAutoSchema` (settings `DEFAULT_SCHEMA_CLASS`): a public operation (no permission to pass) lists
  "no authentication" among its security requirements; a text field of a request that must not be blank says
  `minLength: 1` and a pattern that refuses blank text and NUL characters (what DRF's `CharField` refuses); a
  serializer with `StrictFieldsMixin` says `additionalProperties: false`; `BoundedDecimalField` says its range.
- `add_problem_responses` (a post-processing hook in settings): every error response an operation can give is
  `application/problem+json` with the reusable `Problem` schema, and an optional query parameter may be sent
  empty (`allowEmptyValue`), which every list and filter reads as "not given".
- `problem(...)` for an operation's documented errors, `IDEMPOTENCY_HEADER` and `WRITE_ERRORS` for idempotent
  writes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from simpul.core.idempotency import KEY_MAX_LENGTH

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
        "position": {
            "type": "object",
            "properties": {"line": {"type": "integer"}, "column": {"type": "integer"}, "offset": {"type": "integer"}},
            "description": "Where the JSON parser stopped (`malformed_request` only): line and column from 1, "
                           "offset in characters from 0.",
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}


# What DRF's CharField refuses in a request, as a pattern: a NUL character anywhere, and text that is blank
# once stripped (`str.strip`: the white space of `str.isspace`, spelled out because ECMA's `\s` differs).
_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
ANY_TEXT = "^[^\\x00]*$"
NON_BLANK_TEXT = f"^[^\\x00]*[^{_SPACE}\\x00][^\\x00]*$"


class SimpulAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        auths: list[dict[str, Any]] = super().get_auth()
        # An operation anyone may call, which reads an API key or a session only when one is sent (to show more).
        if auths and not self.view.get_permissions() and {} not in auths:
            auths.append({})
        return auths

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        properties = schema.get("properties", {})
        for name, field in serializer.fields.items():
            prop = properties.get(name)
            if not isinstance(prop, dict) or field.read_only:
                continue
            if isinstance(field, serializers.ListField) and isinstance(prop.get("items"), dict):
                field, prop = field.child, prop["items"]
            if isinstance(field, serializers.CharField) and prop.get("type") == "string":
                _text_constraints(field, prop)
        return schema


def _text_constraints(field: serializers.CharField, schema: dict[str, Any]) -> None:
    """What DRF's CharField refuses, said in the field's schema (unless a pattern, format or enum says more)."""
    constrained = "pattern" in schema or "format" in schema or "enum" in schema
    if not field.allow_blank:
        schema["minLength"] = max(schema.get("minLength", 0), 1)
        if not constrained:
            schema["pattern"] = NON_BLANK_TEXT if field.trim_whitespace else ANY_TEXT
    elif not constrained:
        schema["pattern"] = ANY_TEXT


class BoundedDecimalExtension(OpenApiSerializerFieldExtension):
    """`BoundedDecimalField`: a number in its range, or a string of digits that is surely in it."""

    target_class = "simpul.core.http.serializers.BoundedDecimalField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        field = self.target
        nullable = {"nullable": True} if field.allow_null else {}
        forms: list[dict[str, Any]] = [
            {"type": "number", "minimum": float(field.min_value), "maximum": float(field.max_value), **nullable},
            {"type": "string", "pattern": field.string_pattern, **nullable},
        ]
        if field.allow_null:
            forms.append({"type": "string", "maxLength": 0, "description": "Empty: not measured (as null)."})
        return {"anyOf": forms}


class StrictFieldsExtension(OpenApiSerializerExtension):
    """A serializer that refuses undeclared fields (`StrictFieldsMixin`) says so in the schema."""

    target_class = "simpul.core.http.serializers.StrictFieldsMixin"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


# Errors any operation can answer (with the Problem body): by what it takes and who may call it.
_ERROR_DESCRIPTIONS = {
    "400": "The request is not valid (`malformed_request`, `invalid` with `errors`, ...).",
    "401": "No valid API key or session (`not_authenticated`, `api_key_unknown`, ...).",
    "403": "Not allowed (`scope_missing`, `scope_restricted`, `permission_denied`, ...).",
    "404": "Not found.",
    "405": "Method not allowed.",
    "406": "The format asked for in `Accept` is not available.",
    "413": "The body is too large (`payload_too_large`).",
    "415": "The body's content type is not accepted.",
    "429": "Too many requests (`rate_limited`); see `Retry-After`.",
    "500": "Server error.",
}
PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _errors_of(operation: dict[str, Any], method: str) -> list[str]:
    codes = ["400", "406", "500"]
    security = operation.get("security")
    if security and {} not in security:
        codes += ["401", "403", "429"]
    elif security:
        codes += ["401", "429"]  # a key sent to a public operation is still checked, and still counted
    if method in {"post", "put", "patch"}:
        codes += ["413", "415"]
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        codes.append("404")
    return codes


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every error an operation can answer is documented as a Problem
    (`application/problem+json`), its `default` response too; an optional query parameter may be empty."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).setdefault("Problem", PROBLEM_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "patch", "delete"} or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            idempotent = any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))
            if idempotent and "201" in responses and "200" not in responses:
                responses["200"] = {**responses["201"], "description": "A retry with the same `Idempotency-Key` "
                                    "and body: the first answer again (header `Idempotent-Replayed: true`)."}
            for code in _errors_of(operation, method):
                responses.setdefault(code, {"description": _ERROR_DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400 and not response.get("content"):
                    response["content"] = PROBLEM_CONTENT
            responses.setdefault("default", {"description": "An error, as problem details.",
                                             "content": PROBLEM_CONTENT})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
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
# What `idempotency_key_header` and `key_is_valid` (simpul.core.idempotency) take: 1-200 printable ASCII
# characters without a double quote, bare or as a structured-field string ("..." with \\ for a backslash), with
# white space around it (stripped). Where the header is optional, an empty one is no key at all.
_AROUND = "[\\t\\x0b\\x0c\\x1c-\\x1f \\x85\\xa0]*"
_KEY = (f'(?:[!#-~](?:[ !#-~]{{0,{KEY_MAX_LENGTH - 2}}}[!#-~])?'
        f'|"(?:[ !#-\\[\\]-~]|\\\\\\\\){{1,{KEY_MAX_LENGTH}}}")')
IDEMPOTENCY_KEY_PATTERN = f"^{_AROUND}{_KEY}{_AROUND}$"
OPTIONAL_IDEMPOTENCY_KEY_PATTERN = f'^{_AROUND}(?:{_KEY}|"")?{_AROUND}$'
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    pattern=OPTIONAL_IDEMPOTENCY_KEY_PATTERN,
    description="Optional client-made key (a UUID). A retry with the same key and body answers 200 with the "
                "first response; the same key with another body 422; while the first still runs 409.",
)
WRITE_ERRORS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM}
