"""Portal API under /api/v1/: resumable chunked uploads for weak links (see simpul.portal.uploads)."""

from django.urls import path

from simpul.portal.api import views

urlpatterns = [
    path("uploads/", views.UploadCreateApi.as_view(), name="upload_create"),
    path("uploads/<str:upload_id>/", views.UploadStatusApi.as_view(), name="upload_status"),
    path("uploads/<str:upload_id>/chunks/<int:number>/", views.UploadChunkApi.as_view(), name="upload_chunk"),
    path("uploads/<str:upload_id>/finalize/", views.UploadFinalizeApi.as_view(), name="upload_finalize"),
]
