from django.urls import path

from simpul.infrastructure import views

app_name = "infrastructure"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kecamatan/<str:code>/", views.kecamatan_dashboard, name="kecamatan"),
    path("opd/", views.opd_view, name="opd"),
    path("tren/", views.trend_view, name="trend"),
    path("lokasi/", views.site_list_view, name="site_list"),
    path("lokasi/<int:pk>/", views.site_detail, name="site_detail"),
    path("jaringan/", views.link_list_view, name="link_list"),
    path("kebutuhan/", views.needs_view, name="needs"),
    path("perencana/", views.planner_view, name="planner"),
    path("aplikasi/", views.application_list_view, name="applications"),
    path("impor/", views.import_view, name="import"),
]
