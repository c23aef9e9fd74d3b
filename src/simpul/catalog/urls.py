"""Catalog pages, included at `layanan/` inside the i18n patterns (namespace `catalog`)."""

from django.urls import path

from simpul.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.service_list_view, name="list"),
    path("<slug:code>/", views.service_detail_view, name="detail"),
]
