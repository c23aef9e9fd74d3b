"""Staff workspace URLs under /kantor/ (namespace `backoffice`)."""

from django.urls import path

from simpul.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("perkara/<str:reference>/", views.case_detail, name="case_detail"),
    path("perkara/<str:reference>/aksi/<slug:action>/", views.case_action, name="case_action"),
    path("perkara/<str:reference>/tugaskan/", views.case_assign, name="case_assign"),
    path("perkara/<str:reference>/nik/", views.case_reveal_nik, name="case_reveal_nik"),
    path("perkara/<str:reference>/dokumen/<int:document_id>/", views.case_document, name="case_document"),
]
