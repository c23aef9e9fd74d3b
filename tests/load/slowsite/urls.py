"""Simpul's URLs plus `/__slow__/`: a view that holds its thread for one second, touching no database."""

import time

from django.http import HttpRequest, HttpResponse
from django.urls import path

from simpul.urls import urlpatterns as simpul_urlpatterns


def slow(request: HttpRequest) -> HttpResponse:
    time.sleep(1.0)
    return HttpResponse("done", content_type="text/plain")


urlpatterns = [path("__slow__/", slow), *simpul_urlpatterns]
