"""Portal API under /api/v1/: resumable chunked uploads for weak links (see simpul.portal.uploads)."""

from django.urls import path

from simpul.portal import uploads

urlpatterns = [
    path("uploads/", uploads.upload_create, name="upload_create"),
    path("uploads/<str:upload_id>/", uploads.upload_status, name="upload_status"),
    path("uploads/<str:upload_id>/chunks/<int:number>/", uploads.upload_chunk, name="upload_chunk"),
    path("uploads/<str:upload_id>/finalize/", uploads.upload_finalize, name="upload_finalize"),
]
