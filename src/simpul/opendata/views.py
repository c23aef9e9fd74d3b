"""Public open-data pages (`/data/`), downloads (earlier versions of a file too), the DCAT catalogue (JSON-LD, Turtle,
RDF/XML) and the Satu Data vocabulary. A withdrawn dataset's page and downloads answer 410 Gone with the reason.
The walidata's pages are in `steward_views.py`."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from simpul.opendata import dcat, display, selectors
from simpul.opendata.models import Dataset, Theme
from simpul.opendata.permissions import may_manage

PAGE_SIZE = 20


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    theme = request.GET.get("theme", "")
    theme = theme if theme in Theme.values else ""
    page = Paginator(selectors.dataset_list(query=query, theme=theme), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opendata/dataset_list.html", {
        "page": page, "query": query, "theme": theme, "themes": Theme.choices, "may_manage": may_manage(request.user),
    })


def _withdrawn(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    return render(request, "opendata/withdrawn.html", {"dataset": dataset}, status=410)


@require_GET
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_page_get(slug)
    if dataset.is_withdrawn:
        return _withdrawn(request, dataset)
    return render(request, "opendata/dataset_detail.html", {
        "dataset": dataset, "distributions": list(dataset.distributions.all()),
        "facts": display.facts(dataset, walidata=dcat.walidata_name()),
        "activity": display.activity_rows(dataset.ms_keg or {}), "variables": display.variables(dataset.ms_var),
        "versions": selectors.dataset_versions(dataset) if dataset.version > 1 else [],
        "preview": [[row.get(c) for c in dataset.columns] for row in dataset.preview],
        "may_manage": may_manage(request.user),
    })


def _attachment(content: bytes, media_type: str, filename: str, checksum: str, modified: Any) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Digest"] = f"sha-256={checksum}"
    response["Last-Modified"] = modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    try:
        distribution = selectors.distribution_get(slug=slug, fmt=fmt)
    except Http404:
        dataset = selectors.dataset_page_get(slug)
        if dataset.is_withdrawn:
            return _withdrawn(request, dataset)
        raise
    return _attachment(bytes(distribution.content), distribution.media_type, distribution.filename,
                       distribution.checksum_sha256, distribution.modified)


@require_GET
def version_download(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """An earlier (or the current) file of an uploaded dataset, as the CSV it was published as."""
    version = selectors.version_get(slug=slug, number=number)
    return _attachment(bytes(version.content), "text/csv", f"{slug}-versi-{number}.csv", version.checksum_sha256,
                       version.published_at)


NEGOTIATED = [("text/turtle", "ttl"), ("application/rdf+xml", "rdf"), ("application/ld+json", "jsonld"),
              ("application/json", "jsonld")]


def _negotiated(request: HttpRequest) -> str:
    """The catalogue format the Accept header prefers (JSON-LD when it names none of them)."""
    best, best_q = "jsonld", 0.0
    for part in request.headers.get("Accept", "").split(","):
        media, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        for known, fmt in NEGOTIATED:
            if media.strip().lower() == known and quality > best_q:
                best, best_q = fmt, quality
    return best


@require_GET
def catalog(request: HttpRequest, fmt: str = "") -> HttpResponse:
    """`/data/catalog.jsonld`, `.ttl`, `.rdf`: that format; `/data/catalog`: the one the Accept header asks for."""
    chosen = fmt or _negotiated(request)
    with translation.override("id"):
        body = dcat.catalog(list(selectors.dataset_list()))
        base = reverse("opendata:catalog_negotiated")
    response = HttpResponse(dcat.serialize(body, chosen), content_type=f"{dcat.RDF_FORMATS[chosen]}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = ", ".join(f'<{base}.{f}>; rel="alternate"; type="{media}"'
                                 for f, media in dcat.RDF_FORMATS.items())
    if not fmt:
        patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def vocabulary(request: HttpRequest) -> HttpResponse:
    """The Satu Data vocabulary (`sdi:`) the catalogue uses, as Turtle."""
    response = HttpResponse(dcat.vocabulary_turtle(), content_type="text/turtle; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
