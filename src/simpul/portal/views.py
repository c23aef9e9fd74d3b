"""Public portal pages: server-rendered, small, work without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from simpul.core.pagecache import anonymous_page_cache
from simpul.portal.sections import sections_available


@anonymous_page_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"sections": sections_available()})
