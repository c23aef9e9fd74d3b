"""Pages of the api app for people: what each error code of the API means (the `type` of its problem details)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

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
