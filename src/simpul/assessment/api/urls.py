from django.urls import path

from simpul.assessment.api.views import FrameworkDetailApi, FrameworkListApi, RoundListApi, RoundResultsApi

urlpatterns = [
    path("assessment/frameworks/", FrameworkListApi.as_view(), name="api-assessment-frameworks"),
    path("assessment/frameworks/<slug:code>/<str:version>/", FrameworkDetailApi.as_view(),
         name="api-assessment-framework"),
    path("assessment/rounds/", RoundListApi.as_view(), name="api-assessment-rounds"),
    path("assessment/rounds/<int:pk>/results/", RoundResultsApi.as_view(), name="api-assessment-results"),
]
