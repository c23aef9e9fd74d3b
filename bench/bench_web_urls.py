"""Simpul's URLs plus `/__bench__/bare/`: a bare Django view returning a fixed 3 KB page (the benchmark baseline).

The view goes through the same middleware as every other page; only the view itself does no work.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from simpul.urls import urlpatterns as simpul_urlpatterns

BARE_PAGE = ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>bare</title></head><body>"
             + "<p>" + "Simpul benchmark baseline page. " * 95 + "</p></body></html>").encode()[:3072]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/bare/", bare), *simpul_urlpatterns]
