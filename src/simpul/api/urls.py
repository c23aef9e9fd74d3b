"""/api/v1/: every domain app's API, the OpenAPI schema and its locally served docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from simpul.api.views import SwaggerUiView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerUiView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("simpul.regions.api.urls")),
    path("", include("simpul.agencies.api.urls")),
    path("", include("simpul.catalog.api.urls")),
    path("", include("simpul.cases.api.urls")),
    path("", include("simpul.infrastructure.api.urls")),
    path("", include("simpul.assessment.api.urls")),
    path("", include("simpul.opendata.api.urls")),
    path("", include("simpul.api.exchange.urls")),
    path("", include("simpul.portal.api.urls")),
    path("", include("simpul.notifications.api.urls")),
    path("", include("simpul.documents.api.urls")),
]
