"""Public catalog pages: `/layanan/` (search and filter), `/layanan/<code>/` (what a service needs) and
`/pengaduan/` (the complaint categories, LAPOR!-style)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from simpul.catalog.forms_engine import document_specs, localized
from simpul.catalog.models import ServiceKind
from simpul.catalog.selectors import (
    catalogue_by_kind,
    complaint_services,
    service_apply_blocker,
    service_get,
    service_list,
)
from simpul.core.files import limits_text
from simpul.core.pagecache import anonymous_page_cache

MAX_QUERY = 100


def apply_url(code: str) -> str:
    """The application start page of the cases app (`cases:apply_start`), or its agreed path."""
    try:
        return reverse("cases:apply_start", kwargs={"code": code})
    except NoReverseMatch:
        return reverse("catalog:detail", kwargs={"code": code}) + "ajukan/"


@anonymous_page_cache
def service_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ServiceKind.values else ""
    versions = list(service_list(query=query, kind=kind or None))
    return render(request, "catalog/service_list.html", {
        "versions": versions, "query": query, "kind": kind, "kinds": ServiceKind.choices,
        # nothing found: the whole catalogue by kind, and the complaint form, instead of a dead end
        "by_kind": catalogue_by_kind() if not versions else [],
        "complaints_url": _complaints_url() if not versions else "",
    })


def _complaints_url() -> str:
    """The complaint page (`portal:complaints`, which serves `complaint_list_view`), or "" where it is not mounted."""
    try:
        return reverse("portal:complaints")
    except NoReverseMatch:
        return ""


@anonymous_page_cache
def service_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    version = service_get(code)
    documents = [
        {**spec, "label": localized(spec, "label"), "hint": localized(spec, "hint"),
         "limits": limits_text(spec), "conditional": bool(spec.get("show_if"))}
        for spec in document_specs(version)
    ]
    pages = [localized(page, "title") for page in version.pages]
    return render(request, "catalog/service_detail.html", {
        "version": version, "documents": documents, "pages": pages, "apply_url": apply_url(code),
        "blocker": service_apply_blocker(version=version, user=request.user),
    })


@anonymous_page_cache
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    """Where a citizen starts a complaint: the categories, who handles each, and how a complaint moves."""
    versions = list(complaint_services().select_related("service", "agency"))
    return render(request, "catalog/complaints.html", {
        "entries": [{"version": v, "apply_url": apply_url(v.service.code)} for v in versions],
    })
