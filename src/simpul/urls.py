"""Top-level URLs. Public contracts are listed in ARCHITECTURE.md (healthz, portal, /api/v1/, /open311/v2/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from simpul.core import views as core_views

admin.site.site_header = "Simpul"
admin.site.site_title = "Simpul admin"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("simpul.api.urls")),
    path("open311/v2/", include("simpul.api.open311_urls")),
]

urlpatterns += i18n_patterns(
    # Inside the language prefix: the switch then runs in the page's language, so Django can translate
    # `next` (/en/... <-> /...); outside it an unprefixed request is always Indonesian and /en/ pages never switch back.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("akun/", include("simpul.accounts.urls")),
    path("kantor/admin/", include("simpul.administration.urls")),
    path("kantor/", include("simpul.backoffice.urls")),
    path("infrastruktur/", include("simpul.infrastructure.urls")),
    path("asesmen/", include("simpul.assessment.urls")),
    path("data/", include("simpul.opendata.urls")),
    path("kelola-layanan/", include("simpul.catalog.designer_urls")),
    # What each error code of the API means: the `type` of its problem details (simpul.core.http.problem_types).
    path("masalah/", include("simpul.api.problem_urls")),
    # Catalog pages (namespace `catalog`); other `layanan/...` paths fall through to the portal include.
    path("layanan/", include("simpul.catalog.urls")),
    # Applying (layanan/<code>/ajukan/...) and tracking (lacak/...), namespace `cases`.
    path("", include("simpul.cases.urls")),
    # Issued documents: the public verification page (verifikasi/<code>/) and "Dokumen saya" (akun/dokumen/).
    path("", include("simpul.documents.urls")),
    path("", include("simpul.portal.urls")),
    prefix_default_language=False,
)

# The 500 page needs no database or context processors; 400, 403 (and the CSRF failure) and 404 are the
# templates of the same names in simpul/portal/templates, rendered with the site's header and links.
handler500 = "simpul.portal.views.server_error"
