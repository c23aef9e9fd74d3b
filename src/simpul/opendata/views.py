"""Public open-data pages (`/data/`), downloads, the DCAT catalogue (JSON-LD, Turtle, RDF/XML) and the Satu Data
vocabulary, and the walidata's upload page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from simpul.accounts.models import Role
from simpul.accounts.permissions import require_staff_mfa
from simpul.opendata import dcat, selectors
from simpul.opendata.forms import DatasetUploadForm
from simpul.opendata.models import Theme
from simpul.opendata.services import dataset_upload as dataset_upload_service

PAGE_SIZE = 20


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    theme = request.GET.get("theme", "")
    theme = theme if theme in Theme.values else ""
    page = Paginator(selectors.dataset_list(query=query, theme=theme), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opendata/dataset_list.html", {
        "page": page, "query": query, "theme": theme, "themes": Theme.choices,
    })


@require_GET
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_get(slug)
    return render(request, "opendata/dataset_detail.html", {
        "dataset": dataset, "distributions": list(dataset.distributions.all()), "walidata": dcat.walidata_name(),
        "preview": [[row.get(c) for c in dataset.columns] for row in dataset.preview],
    })


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    distribution = selectors.distribution_get(slug=slug, fmt=fmt)
    response = HttpResponse(bytes(distribution.content), content_type=distribution.media_type)
    response["Content-Disposition"] = f'attachment; filename="{distribution.filename}"'
    response["Digest"] = f"sha-256={distribution.checksum_sha256}"
    response["Last-Modified"] = distribution.modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


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


@require_staff_mfa(roles=[Role.DATA_STEWARD, Role.PLATFORM_ADMIN])
@require_http_methods(["GET", "POST"])
def dataset_upload(request: HttpRequest) -> HttpResponse:
    form = DatasetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = dataset_upload_service(
                actor=request.user, slug=form.cleaned_data["slug"], upload_name=upload.name,
                content=upload.read(), **form.metadata(),
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("The dataset was published."))
            return redirect("opendata:detail", slug=dataset.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "opendata/upload.html", {"form": form}, status=status)
