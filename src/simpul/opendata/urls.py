"""/data/ (namespace `opendata`): the catalogue pages, downloads, the DCAT catalogue (JSON-LD, Turtle, RDF/XML), the Satu Data
vocabulary and the upload page."""

from django.urls import path

from simpul.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("catalog.jsonld", views.catalog, {"fmt": "jsonld"}, name="catalog"),
    path("catalog.ttl", views.catalog, {"fmt": "ttl"}, name="catalog_ttl"),
    path("catalog.rdf", views.catalog, {"fmt": "rdf"}, name="catalog_rdf"),
    path("catalog", views.catalog, name="catalog_negotiated"),
    path("ns/satu-data", views.vocabulary, name="vocabulary"),
    path("unggah/", views.dataset_upload, name="upload"),
    path("<slug:slug>/", views.dataset_detail, name="detail"),
    path("<slug:slug>/unduh.<str:fmt>", views.download, name="download"),
]
