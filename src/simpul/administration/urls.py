"""The administration screens under /kantor/admin/ (namespace `administration`)."""

from django.urls import path

from simpul.administration import views

app_name = "administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/periksa/", views.audit_verify, name="audit_verify"),
    path("staf/", views.staff_list, name="staff_list"),
    path("staf/baru/", views.staff_new, name="staff_new"),
    path("staf/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staf/<int:pk>/ubah/", views.staff_edit, name="staff_edit"),
    path("staf/<int:pk>/undang-lagi/", views.staff_resend, name="staff_resend"),
    path("staf/<int:pk>/nonaktifkan/", views.staff_deactivate, name="staff_deactivate"),
    path("instansi/", views.office_list, name="office_list"),
    path("instansi/baru/", views.office_new, name="office_new"),
    path("instansi/<slug:code>/", views.office_detail, name="office_detail"),
    path("instansi/<slug:code>/ubah/", views.office_edit, name="office_edit"),
]
