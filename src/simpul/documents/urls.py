"""Public URLs of issued documents (namespace `documents`): /verifikasi/ and /verifikasi/<code>/, the citizen's
/akun/dokumen/, and the tracking page's download."""

from django.urls import path

from simpul.documents import views

app_name = "documents"

urlpatterns = [
    path("verifikasi/", views.verify_start, name="verify_start"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("verifikasi/<str:code>/cabut/", views.revoke, name="revoke"),
    path("verifikasi/<str:code>/terbitkan-ulang/", views.reissue, name="reissue"),
    path("verifikasi/<str:code>/unduh/", views.download, name="download"),
    path("akun/dokumen/", views.my_documents, name="mine"),
]
