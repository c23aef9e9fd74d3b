from django.urls import path

from simpul.opendata.api import views

urlpatterns = [
    path("datasets/", views.DatasetListApi.as_view(), name="datasets-list"),
    path("datasets/<slug:slug>/", views.DatasetDetailApi.as_view(), name="datasets-detail"),
]
