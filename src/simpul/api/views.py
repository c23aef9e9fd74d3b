"""Pages of the api app for people: what each error code of the API means (the `type` of its problem details)
and the Swagger UI of the OpenAPI schema, served without inline script so the Content Security Policy holds."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.core.http.problem_types import PROBLEM_TYPES, problem_type_get


@require_safe
def problem_type_list(request: HttpRequest) -> HttpResponse:
    types = sorted(PROBLEM_TYPES.values(), key=lambda t: t.code)
    return render(request, "api/problem_type_list.html", {"types": types})


@require_safe
def problem_type_detail(request: HttpRequest, code: str) -> HttpResponse:
    problem_type = problem_type_get(code)
    if problem_type is None:
        raise Http404
    return render(request, "api/problem_type_detail.html", {"problem_type": problem_type})


class SwaggerUiView(SpectacularSwaggerView):
    """Swagger UI from the local static files (drf-spectacular-sidecar), its settings in data attributes and
    its start-up in `api/swagger-init.js`: no inline script or style, and `<html lang>` in the active language."""

    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            data={
                "title": self.title,
                "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
                "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
                "swagger_ui_standalone": self._swagger_ui_resource("swagger-ui-standalone-preset.js"),
                "favicon_href": self._swagger_ui_favicon(),
                "schema_url": self._get_schema_url(request),
                "csrf_header_name": self._get_csrf_header_name(),
            },
            template_name=self.template_name,
        )
