from django.urls import path

from simpul.portal import offline, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", offline.service_worker, name="service_worker"),
]
