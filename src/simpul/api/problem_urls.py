"""/masalah/: one page per error code of the API (the `type` of its problem details), in the site's languages."""

from django.urls import path

from simpul.api import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_type_list, name="list"),
    path("<slug:code>/", views.problem_type_detail, name="detail"),
]
