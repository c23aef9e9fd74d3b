from django.urls import path

from simpul.catalog import views as catalog_views
from simpul.portal import offline, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("luring/", offline.offline_shell, name="offline_shell"),
    path("luring/kunci/", offline.outbox_key, name="outbox_key"),
    path("pengaduan/", catalog_views.complaint_list_view, name="complaints"),
]
