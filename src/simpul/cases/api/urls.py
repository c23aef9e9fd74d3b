from django.urls import path

from simpul.cases.api import views

urlpatterns = [
    path("cases/", views.CaseCreateApi.as_view(), name="cases-create"),
    path("cases/<str:reference>/status", views.CaseStatusApi.as_view(), name="cases-status"),
]
