"""Open311 GeoReport v2 façade (`simpul.api.open311`), mounted at /open311/v2/."""

from django.urls import include, path

urlpatterns = [
    path("", include("simpul.api.open311.urls")),
]
