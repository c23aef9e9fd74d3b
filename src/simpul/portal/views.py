"""Public portal pages: server-rendered, small, work without JavaScript."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from simpul.core.pagecache import anonymous_page_cache
from simpul.portal.sections import sections_available


@anonymous_page_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"sections": sections_available()})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: translated and branded like every page, but rendered without context processors or the
    database (which may be what failed); agency systems on the API get problem details instead."""
    title = _("Something went wrong on our side")
    detail = _("The error has been recorded. Nothing you sent was lost if you were given a reference number; "
               "otherwise please try again in a few minutes.")
    if request.path.startswith(("/api/", "/open311/")):
        body = json.dumps({"type": "about:blank", "title": title, "status": 500, "detail": detail,
                           "code": "server_error"})
        return HttpResponse(body, status=500, content_type="application/problem+json")
    html: str
    try:
        html = render_to_string("error_standalone.html", {"title": title, "paragraphs": [detail]})
    except Exception:  # the page of last resort must not fail itself
        html = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{detail}</p>"
    return HttpResponse(html, status=500, content_type="text/html; charset=utf-8")
