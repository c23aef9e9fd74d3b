from django.urls import path

from simpul.agencies.api.views import AgencyDetailApi, AgencyListApi

urlpatterns = [
    path("agencies/", AgencyListApi.as_view(), name="api-agencies-list"),
    path("agencies/<slug:code>/", AgencyDetailApi.as_view(), name="api-agencies-detail"),
]
