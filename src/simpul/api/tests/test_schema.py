"""Every operation routed under /api/v1/ is in the OpenAPI schema: the URL resolver is walked, so a view added
later without a schema (a plain Django view, or a DRF view left out) fails here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.contrib.admindocs.views import simplify_regex
from django.urls import URLPattern, URLResolver, get_resolver, path

PREFIX = "/api/v1/"
# The schema and its two viewers describe the API; they are not operations of it.
NOT_OPERATIONS = {"api-schema", "api-docs", "api-redoc"}
_PARAMETER = re.compile(r"<(?:[^>:]+:)?\w+>|\{[^}]+\}")


def _walk(patterns: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _shape(route: str) -> str:
    """`/api/v1/uploads/<str:upload_id>/` and `/api/v1/uploads/{upload_id}/` both as `/api/v1/uploads/{}/`."""
    return _PARAMETER.sub("{}", simplify_regex(route) if "{" not in route else route)


def _methods(pattern: URLPattern) -> set[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet routed with its actions
        return {method.lower() for method in actions}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return {"?"}  # a function view: its methods cannot be known, and it cannot be in the schema anyway
    return {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}


def missing_from_schema(patterns: Iterable[Any], schema: dict[str, Any]) -> list[str]:
    """`METHOD /path` of each operation under /api/v1/ that the schema does not describe."""
    documented: dict[str, set[str]] = {}
    for route, operations in schema["paths"].items():
        documented.setdefault(_shape(route), set()).update(operations)
    routes = list(_walk(patterns))
    missing = []
    for route, pattern in routes:
        shape = _shape("/" + route)
        if not shape.startswith(PREFIX) or pattern.name in NOT_OPERATIONS:
            continue
        missing += [f"{method.upper()} {shape}" for method in sorted(_methods(pattern) - documented.get(shape, set()))]
    return missing


@pytest.fixture
def schema(client: Any, db: None) -> dict[str, Any]:
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_every_api_operation_in_the_urlconf_is_in_the_schema(schema: dict[str, Any]) -> None:
    routes = {route for route, _pattern in _walk(get_resolver().url_patterns)}
    assert {"api/v1/uploads/<str:upload_id>/chunks/<int:number>/", "api/v1/sms/inbound/"} <= routes
    names = {pattern.name for _route, pattern in _walk(get_resolver().url_patterns)}
    assert names >= NOT_OPERATIONS  # the exceptions still name real routes
    assert missing_from_schema(get_resolver().url_patterns, schema) == []


def test_a_plain_view_under_the_api_would_be_reported(schema: dict[str, Any]) -> None:
    from django.http import JsonResponse
    from rest_framework.views import APIView

    def plain(request: Any) -> JsonResponse:  # pragma: no cover - never called
        return JsonResponse({})

    class Undocumented(APIView):
        def patch(self, request: Any) -> None:  # pragma: no cover - never called
            return None

    # (list, app_name, namespace) is what include() returns
    patterns = [path("api/v1/", ([path("plain/", plain), path("uploads/<str:upload_id>/", Undocumented.as_view())],
                                 None, None))]
    assert missing_from_schema(patterns, schema) == ["? /api/v1/plain/", "PATCH /api/v1/uploads/{}/"]


def test_the_upload_and_sms_operations_declare_their_bodies(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    chunk = paths["/api/v1/uploads/{upload_id}/chunks/{number}/"]["put"]
    assert chunk["requestBody"]["content"]["application/octet-stream"]["schema"] == {
        "type": "string", "format": "binary"}
    assert "missing" in str(paths["/api/v1/uploads/{upload_id}/finalize/"]["post"]["responses"]["409"])
    inbound = paths["/api/v1/sms/inbound/"]["post"]
    assert set(inbound["responses"]) >= {"200", "400", "403", "default"}
    assert "application/problem+json" in inbound["responses"]["403"]["content"]
    assert {p["name"] for p in inbound["parameters"]} == {"X-Simpul-Timestamp", "X-Simpul-Signature"}
    for operation in (chunk, inbound, paths["/api/v1/uploads/"]["post"]):
        assert "security" not in operation or operation["security"] == [{}]  # no key, no session needed
    operations = [operation for route, item in paths.items() if route.startswith(("/api/v1/uploads/", "/api/v1/sms/"))
                  for operation in item.values()]
    assert len(operations) == 6  # open, status, abandon, part, finalize; SMS inbound
    for operation in operations:  # every answer but 204 has its body: problem details for every error
        for code, response in operation["responses"].items():
            if code == "204":
                assert "content" not in response
            elif code.startswith(("4", "5", "d")):
                assert list(response["content"]) == ["application/problem+json"], (operation["operationId"], code)
            else:
                assert list(response["content"]) == ["application/json"], (operation["operationId"], code)


ERROR_CODES = {"400", "401", "403", "409", "422"}


def test_case_submission_documents_its_errors_as_problem_details(schema: dict[str, Any]) -> None:
    responses = schema["paths"]["/api/v1/cases/"]["post"]["responses"]
    for code in ERROR_CODES:
        content = responses[code]["content"]
        assert list(content) == ["application/problem+json"], code
        assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, code


def test_every_error_response_of_every_operation_is_a_problem(schema: dict[str, Any]) -> None:
    not_problems = []
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if (code == "default" or int(code) >= 400) and "application/problem+json" not in response.get(
                        "content", {}):
                    not_problems.append(f"{method.upper()} {route} {code}")
    assert not_problems == []


def test_public_operations_say_that_no_credential_is_needed(schema: dict[str, Any]) -> None:
    assert {} in schema["paths"]["/api/v1/datasets/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/agency/cases/"]["get"]["security"]
