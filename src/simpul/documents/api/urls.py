from django.urls import path

from simpul.documents.api import views

urlpatterns = [
    path("documents/<path:number>", views.DocumentGetApi.as_view(), name="documents-detail"),
]
