"""Portal URLs of the cases app (namespace `cases`): applying under /layanan/<code>/ajukan/, tracking under
/lacak/. Included from the top-level URLconf inside i18n_patterns."""

from django.urls import path

from simpul.cases import views

app_name = "cases"

urlpatterns = [
    path("layanan/<slug:code>/ajukan/", views.apply_start, name="apply_start"),
    path("layanan/<slug:code>/ajukan/<str:token>/dokumen/", views.apply_documents, name="apply_documents"),
    path("layanan/<slug:code>/ajukan/<str:token>/periksa/", views.apply_review, name="apply_review"),
    path("layanan/<slug:code>/ajukan/<str:token>/terkirim/", views.apply_done, name="apply_done"),
    path("layanan/<slug:code>/ajukan/<str:token>/disimpan/", views.apply_saved, name="apply_saved"),
    path("layanan/<slug:code>/ajukan/<str:token>/lanjut/", views.apply_resume, name="apply_resume"),
    path("layanan/<slug:code>/ajukan/<str:token>/pratinjau/<slug:document>.png", views.apply_preview,
         name="apply_preview"),
    path("layanan/<slug:code>/ajukan/<str:token>/persetujuan.pdf", views.apply_consent_form, name="apply_consent_form"),
    path("layanan/<slug:code>/ajukan/<str:token>/<slug:page>/", views.apply_page, name="apply_page"),
    path("lacak/", views.track, name="track"),
    path("lacak/saya/", views.my_cases, name="my_cases"),
    path("lacak/<str:reference>/", views.track_detail, name="track_detail"),
    path("lacak/<str:reference>/tanda-terima.pdf", views.track_receipt, name="track_receipt"),
    path("lacak/<str:reference>/perbaikan/", views.track_revise, name="track_revise"),
    path("lacak/<str:reference>/batalkan/", views.track_withdraw, name="track_withdraw"),
    path("lacak/<str:reference>/dokumen/<int:document_id>/", views.track_document, name="track_document"),
]
