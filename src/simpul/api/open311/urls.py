"""/open311/v2/ (namespace `open311`): GeoReport v2, each endpoint in `.json` and `.xml`."""

from django.urls import re_path

from simpul.api.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token_detail, name="token"),
]
