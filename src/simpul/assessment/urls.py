from django.urls import path

from simpul.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("kerangka/impor/", views.framework_import, name="framework_import"),
    path("kerangka/<slug:code>/<str:version>/", views.framework_detail, name="framework_detail"),
    path("kerangka/<slug:code>/<str:version>/xlsform.xlsx", views.framework_xlsform, name="framework_xlsform"),
    path("kerangka/<slug:code>/<str:version>/verifikasi/", views.framework_verify, name="framework_verify"),
    path("putaran/<int:pk>/", views.round_detail, name="round_detail"),
    path("putaran/<int:pk>/undangan.csv", views.invitations_csv, name="invitations_csv"),
    path("putaran/<int:pk>/hasil/", views.round_results, name="round_results"),
    path("putaran/<int:pk>/tabel/", views.round_tables, name="round_tables"),
    path("putaran/<int:pk>/bukti/", views.round_evidence, name="round_evidence"),
    path("putaran/<int:pk>/bukti/<int:evidence_pk>/", views.evidence_detail, name="evidence_detail"),
    path("putaran/<int:pk>/triangulasi/", views.round_triangulation, name="round_triangulation"),
    path("putaran/<int:pk>/temuan/", views.round_findings, name="round_findings"),
    path("putaran/<int:pk>/penilaian-mandiri/", views.self_assessment, name="self_assessment"),
    path("putaran/<int:pk>/impor-jawaban/", views.round_submissions, name="round_submissions"),
    path("putaran/<int:pk>/laporan.pdf", views.report_pdf, name="report_pdf"),
    path("putaran/<int:pk>/ekspor.<str:fmt>", views.export, name="export"),
    path("isi/<str:token>/", views.invited, name="invited"),
    path("r/<slug:slug>/", views.public, name="public"),
    path("terima-kasih/", views.thanks, name="thanks"),
]
