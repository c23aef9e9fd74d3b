"""/data/ (namespace `opendata`): the catalogue pages, downloads, the DCAT JSON-LD and the upload page."""

from django.urls import path

from simpul.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog"),
    path("unggah/", views.dataset_upload, name="upload"),
    path("<slug:slug>/", views.dataset_detail, name="detail"),
    path("<slug:slug>/unduh.<str:fmt>", views.download, name="download"),
]
