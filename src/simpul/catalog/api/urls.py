from django.urls import path

from simpul.catalog.api.views import ServiceDetailApi, ServiceListApi

urlpatterns = [
    path("services/", ServiceListApi.as_view(), name="api-services-list"),
    path("services/<slug:code>/", ServiceDetailApi.as_view(), name="api-services-detail"),
]
