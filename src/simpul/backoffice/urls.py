"""Staff workspace URLs under /kantor/ (namespace `backoffice`)."""

from django.urls import path

from simpul.backoffice import operator, views

app_name = "backoffice"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/ekspor.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("desa/", operator.operator_today, name="operator_today"),
    path("desa/ganti/", operator.operator_switch, name="operator_switch"),
    path("desa/ajukan/", operator.operator_apply, name="operator_apply"),
    path("desa/<str:reference>/", operator.operator_case, name="operator_case"),
    path("desa/<str:reference>/tanda-terima.pdf", operator.operator_receipt, name="operator_receipt"),
    path("desa/<str:reference>/persetujuan.pdf", operator.operator_consent_form, name="operator_consent_form"),
    path("desa/<str:reference>/persetujuan/", operator.operator_consent_attach, name="operator_consent_attach"),
    path("perkara/<str:reference>/", views.case_detail, name="case_detail"),
    path("perkara/<str:reference>/aksi/<slug:action>/", views.case_action, name="case_action"),
    path("perkara/<str:reference>/tugaskan/", views.case_assign, name="case_assign"),
    path("perkara/<str:reference>/desa/", views.case_set_desa, name="case_set_desa"),
    path("perkara/<str:reference>/nik/", views.case_reveal_nik, name="case_reveal_nik"),
    path("perkara/<str:reference>/identitas/", views.case_reveal_identity, name="case_reveal_identity"),
    path("perkara/<str:reference>/dokumen/<int:document_id>/", views.case_document, name="case_document"),
    path("perkara/<str:reference>/dokumen/<int:document_id>/lihat/", views.case_document_view,
         name="case_document_view"),
    path("perkara/<str:reference>/dokumen/<int:document_id>/halaman-<int:number>.png", views.case_document_preview,
         name="case_document_preview"),
]
