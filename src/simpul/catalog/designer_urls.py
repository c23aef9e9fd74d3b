"""The service designer under /kelola-layanan/ (namespace `designer`; the index is `designer:index`)."""

from django.urls import path

from simpul.catalog import designer_views as views

app_name = "designer"

urlpatterns = [
    path("", views.index, name="index"),
    path("baru/", views.service_new, name="service_new"),
    path("impor/", views.import_yaml, name="import"),
    path("<slug:code>/", views.overview, name="overview"),
    path("<slug:code>/rincian/", views.details, name="details"),
    path("<slug:code>/draf-baru/", views.draft_new, name="draft_new"),
    path("<slug:code>/halaman/tambah/", views.page_add, name="page_add"),
    path("<slug:code>/halaman/<int:page>/", views.page_edit, name="page_edit"),
    path("<slug:code>/halaman/<int:page>/geser/", views.page_move, name="page_move"),
    path("<slug:code>/halaman/<int:page>/hapus/", views.page_remove, name="page_remove"),
    path("<slug:code>/halaman/<int:page>/pertanyaan/baru/", views.question_edit, name="question_new"),
    path("<slug:code>/halaman/<int:page>/pertanyaan/<int:index>/", views.question_edit, name="question_edit"),
    path("<slug:code>/halaman/<int:page>/pertanyaan/<int:index>/geser/", views.question_move, name="question_move"),
    path("<slug:code>/halaman/<int:page>/pertanyaan/<int:index>/hapus/", views.question_remove,
         name="question_remove"),
    path("<slug:code>/urutan/", views.reorder, name="reorder"),
    path("<slug:code>/dokumen/baru/", views.document_edit, name="document_new"),
    path("<slug:code>/dokumen/<int:index>/", views.document_edit, name="document_edit"),
    path("<slug:code>/dokumen/<int:index>/geser/", views.document_move, name="document_move"),
    path("<slug:code>/dokumen/<int:index>/hapus/", views.document_remove, name="document_remove"),
    path("<slug:code>/pratinjau/", views.preview, name="preview"),
    path("<slug:code>/pratinjau/dokumen/", views.preview_documents, name="preview_documents"),
    path("<slug:code>/pratinjau/halaman/<slug:page>/", views.preview_page, name="preview_page"),
    path("<slug:code>/perubahan/", views.changes, name="changes"),
    path("<slug:code>/terbitkan/", views.publish, name="publish"),
    path("<slug:code>/ekspor.yaml", views.export_yaml, name="export"),
]
