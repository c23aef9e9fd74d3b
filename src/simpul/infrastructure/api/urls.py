from django.urls import path

from simpul.infrastructure.api import views

urlpatterns = [
    path("measurements/", views.MeasurementApi.as_view(), name="api-measurements"),
    path("infrastructure/sites/", views.SiteListApi.as_view(), name="api-infrastructure-sites"),
    path("infrastructure/links/", views.LinkListApi.as_view(), name="api-infrastructure-links"),
    path("infrastructure/measurements/", views.InfrastructureMeasurementApi.as_view(), name="api-infrastructure-measurements"),
    path("infrastructure/coverage/", views.CoverageApi.as_view(), name="api-infrastructure-coverage"),
    path("infrastructure/applications/", views.ApplicationListApi.as_view(),
         name="api-infrastructure-applications"),
]
