from django.urls import path

from simpul.regions.api.views import RegionDetailApi, RegionListApi

urlpatterns = [
    path("regions/", RegionListApi.as_view(), name="api-regions-list"),
    path("regions/<str:code>/", RegionDetailApi.as_view(), name="api-regions-detail"),
]
