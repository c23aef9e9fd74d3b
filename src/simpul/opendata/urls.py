"""/data/ (namespace `opendata`): the catalogue pages, downloads, the DCAT catalogue (JSON-LD, Turtle, RDF/XML), the Satu Data
vocabulary, and the walidata's pages (/data/unggah/ starts a new dataset, /data/kelola/ is the workspace)."""

from django.urls import path

from simpul.opendata import steward_views as steward
from simpul.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("catalog.jsonld", views.catalog, {"fmt": "jsonld"}, name="catalog"),
    path("catalog.ttl", views.catalog, {"fmt": "ttl"}, name="catalog_ttl"),
    path("catalog.rdf", views.catalog, {"fmt": "rdf"}, name="catalog_rdf"),
    path("catalog", views.catalog, name="catalog_negotiated"),
    path("ns/satu-data", views.vocabulary, name="vocabulary"),
    path("unggah/", steward.draft_new, name="upload"),
    path("kelola/", steward.manage, name="manage"),
    path("kelola/draf/<str:token>/", steward.draft_overview, name="draft"),
    path("kelola/draf/<str:token>/berkas/", steward.draft_file, name="draft_file"),
    path("kelola/draf/<str:token>/keterangan/", steward.draft_description, name="draft_description"),
    path("kelola/draf/<str:token>/kolom/", steward.draft_columns, name="draft_columns"),
    path("kelola/draf/<str:token>/kegiatan/", steward.draft_activity, name="draft_activity"),
    path("kelola/draf/<str:token>/kirim/", steward.draft_submit, name="draft_submit"),
    path("kelola/draf/<str:token>/ambil-kembali/", steward.draft_take_back, name="draft_take_back"),
    path("kelola/draf/<str:token>/hapus/", steward.draft_discard, name="draft_discard"),
    path("kelola/draf/<str:token>/terbitkan/", steward.draft_publish, name="draft_publish"),
    path("kelola/draf/<str:token>/kembalikan/", steward.draft_return, name="draft_return"),
    path("kelola/<slug:slug>/ubah/", steward.dataset_change, name="change"),
    path("kelola/<slug:slug>/tarik/", steward.dataset_withdraw, name="withdraw"),
    path("<slug:slug>/", views.dataset_detail, name="detail"),
    path("<slug:slug>/unduh.<str:fmt>", views.download, name="download"),
    path("<slug:slug>/versi/<int:number>/unduh.csv", views.version_download, name="version_download"),
]
