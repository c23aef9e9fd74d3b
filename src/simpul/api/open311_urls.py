"""Open311 GeoReport v2 façade (filled in by the interop work)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
