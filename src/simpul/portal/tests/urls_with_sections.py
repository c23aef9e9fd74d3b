"""A URLconf where every portal section exists, to test the menu and the home page cards."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path
from django.views.i18n import set_language


def _page(request: object) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("api/v1/", include("simpul.api.urls")),
    *i18n_patterns(
        path("i18n/setlang/", set_language, name="set_language"),
        path("akun/", include("simpul.accounts.urls")),
        path("layanan/", _page),
        path("lacak/", _page),
        path("pengaduan/", _page),
        path("data/", _page),
        path("", include("simpul.portal.urls")),
        prefix_default_language=False,
    ),
]
