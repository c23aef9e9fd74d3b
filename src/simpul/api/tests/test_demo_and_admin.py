import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from simpul.agencies.models import Agency
from simpul.api import demo
from simpul.clients.auth import client_may_act_for
from simpul.clients.models import ApiClient, ApiKey
from simpul.conftest import login


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_demo_clients_have_their_documented_keys(client, db, settings):
    settings.DEMO_MODE = True
    Agency.objects.create(code="disdukcapil", name="Dinas Dukcapil")
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)
    assert ApiClient.objects.count() == 2 and ApiKey.objects.count() == 2
    assert "demo-dukcapil-key" in out.getvalue() and "demo-open311-key" in out.getvalue()
    dukcapil = ApiClient.objects.get(name="Sistem Dinas Dukcapil")
    assert dukcapil.agency.code == "disdukcapil"
    assert set(dukcapil.scopes) == {"cases:intake", "cases:read", "cases:write", "webhooks:manage"}
    from simpul.api.models import AgencyIntegration

    assert AgencyIntegration.objects.get().backend == "log"  # Dukcapil's events go to the log in the demo
    open311 = ApiClient.objects.get(name="Open311")
    assert not client_may_act_for(open311, service_kind="permohonan")
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Bearer demo-open311-key")
    assert response.status_code == 200


def test_demo_does_nothing_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    demo.load(stdout=io.StringIO())
    assert not ApiClient.objects.exists()


def test_admin_issues_a_key_shown_once(client, personas):
    api_client = ApiClient.objects.create(name="Mitra", scopes=["opendata:read"])
    login(client, personas.admin)
    response = client.post(
        "/admin/clients/apiclient/", {"action": "issue_key", "_selected_action": [api_client.pk]}, follow=True
    )
    text = response.content.decode()
    key = ApiKey.objects.get(client=api_client)
    assert "smpl_" in text and key.prefix in text
    page = client.get(f"/admin/clients/apiclient/{api_client.pk}/change/").content.decode()
    assert key.prefix in page and key.secret_hash not in page


def test_admin_is_for_platform_admins_only(client, personas):
    login(client, personas.officer)
    response = client.get("/admin/clients/apiclient/")  # the admin site sends a non-staff user to its log-in
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_schema_documents_api_key_security(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert "/api/v1/regions/" in schema["paths"]


def test_schema_documents_problem_responses_for_every_operation(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail", "code"]
    operation = schema["paths"]["/api/v1/regions/"]["get"]
    assert "application/problem+json" in operation["responses"]["default"]["content"]


ADMIN_PAGES = [
    "/admin/clients/apiclient/", "/admin/clients/apiclient/add/", "/admin/clients/apikey/", "/admin/clients/apicalllog/",
    "/admin/regions/region/", "/admin/agencies/agency/", "/admin/agencies/agency/add/",
    "/admin/agencies/membership/", "/admin/notifications/template/", "/admin/notifications/template/add/",
    "/admin/notifications/message/",
]


def test_admin_pages_of_regions_agencies_api_and_notifications_render(client, personas):
    from simpul.notifications.services import notification_send

    [message] = notification_send(event="case.approved", to_phone="081234567890", context={}, case_reference="R9")
    api_client = ApiClient.objects.create(name="Mitra", scopes=["opendata:read"])
    login(client, personas.admin)
    pages = [*ADMIN_PAGES, f"/admin/clients/apiclient/{api_client.pk}/change/",
             f"/admin/regions/region/{personas.desa.pk}/change/",
             f"/admin/agencies/agency/{personas.dukcapil.pk}/change/",
             f"/admin/notifications/message/{message.pk}/change/"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    detail = client.get(f"/admin/notifications/message/{message.pk}/change/").content.decode()
    assert "081234567890" not in detail and "0812*****890" in detail
