"""Least privilege for API keys: an intake key (`cases:intake`, the Open311 demo key) submits cases and reads back
only its own submissions, on every door a key reaches; the agency scopes stay with the agency's own system."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from simpul.api import demo
from simpul.cases.models import Case
from simpul.clients.services import api_client_create, api_key_issue

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
OPEN311_DEMO_KEY = "demo-open311-key"
DUKCAPIL_DEMO_KEY = "demo-dukcapil-key"
OTHER_KEY = "test-other-intake-key"
REPORTER = {"first_name": "Siti", "last_name": "Aminah", "phone": "081234567890", "email": "siti@example.org"}


@pytest.fixture
def demo_keys(personas, settings):
    from simpul.agencies.models import Agency, AgencyKind
    from simpul.catalog.services import service_import_yaml

    Agency.objects.create(code="dinas-pu", name="Dinas Pekerjaan Umum", short_name="Dinas PU",
                          kind=AgencyKind.DINAS, region=personas.kecamatan)
    service_import_yaml(text=(DATA / "pengaduan-infrastruktur.yaml").read_text(), actor=None)
    settings.DEMO_MODE = True
    demo.load(stdout=io.StringIO())
    other = api_client_create(name="Kios lain", scopes=["cases:intake"], rate_limit_per_minute=0)
    api_key_issue(client=other, secret=OTHER_KEY)


def _open311_post(client, key, description):
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "pengaduan-infrastruktur", "attribute[location_village]": "16.06.01.2001",
        "address_string": "Jl. Merdeka, Sukarami", "description": description, **REPORTER,
        "attribute[confidential]": "no"})
    assert response.status_code == 201, response.content.decode()
    return Case.objects.get(reference=response.json()[0]["service_request_id"])


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_the_open311_demo_key_cannot_read_list_or_postpone_another_offices_complaint(client, demo_keys):
    """It read a Dinas PU complaint with the reporter's name, phone and email and postponed it."""
    theirs = _open311_post(client, OTHER_KEY, "Jembatan kayu di ujung desa patah dan tidak bisa dilewati motor.")
    assert theirs.agency.code == "dinas-pu"
    api = _api(OPEN311_DEMO_KEY)

    listed = api.get("/api/v1/agency/cases/")
    assert listed.status_code == 403 and listed.json()["code"] == "scope_missing"
    read = api.get(f"/api/v1/agency/cases/{theirs.reference}/")
    assert read.status_code == 404
    postponed = api.post(f"/api/v1/agency/cases/{theirs.reference}/actions/",
                         {"action": "postpone", "note": "Ditunda"}, format="json")
    assert postponed.status_code == 403 and postponed.json()["code"] == "scope_missing"
    assert Case.objects.get(pk=theirs.pk).status == theirs.status

    for response in (client.get(f"/open311/v2/requests/{theirs.reference}.json", {"api_key": OPEN311_DEMO_KEY}),
                     client.get("/open311/v2/requests.json", {"api_key": OPEN311_DEMO_KEY})):
        assert response.status_code == 200
        body = response.content.decode()
        for personal in ("Siti", "Aminah", "081234567890", "siti@example.org", "Jembatan kayu"):
            assert personal not in body


def test_the_open311_demo_key_reads_back_its_own_submission(client, demo_keys):
    own = _open311_post(client, OPEN311_DEMO_KEY, "Lampu jalan di depan balai desa mati sejak tiga minggu.")
    detail = client.get(f"/open311/v2/requests/{own.reference}.json", {"api_key": OPEN311_DEMO_KEY})
    assert detail.status_code == 200 and detail.json()[0]["description"].startswith("Lampu jalan")
    listed = client.get("/open311/v2/requests.json", {"api_key": OPEN311_DEMO_KEY}).json()
    assert next(r["description"] for r in listed if r["service_request_id"] == own.reference).startswith("Lampu")
    agency_read = _api(OPEN311_DEMO_KEY).get(f"/api/v1/agency/cases/{own.reference}/")
    assert agency_read.status_code == 200
    assert agency_read.json()["reference"] == own.reference and agency_read.json()["allowed_actions"] == []


def test_a_key_without_intake_cannot_submit_and_the_agency_demo_key_lists_its_agency(client, demo_keys, personas):
    from simpul.clients.models import ApiClient

    assert ApiClient.objects.get(name="Open311").scopes == ["cases:intake"]
    from simpul.clients.services import api_client_create, api_key_issue

    dukcapil = _api(DUKCAPIL_DEMO_KEY)
    assert dukcapil.get("/api/v1/agency/cases/").status_code == 200
    worker = api_client_create(name="Agency system, no intake", scopes=["cases:read", "cases:write"],
                               agency=personas.dukcapil, rate_limit_per_minute=0)
    api_key_issue(client=worker, secret="test-no-intake-key")
    refused = _api("test-no-intake-key").post("/api/v1/cases/", {"service": "pengaduan-infrastruktur", "answers": {}}, format="json",
                            HTTP_IDEMPOTENCY_KEY="k-1")
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"


@pytest.mark.django_db
def test_the_scope_migration_gives_case_writers_intake_and_nothing_else():
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from simpul.clients.models import ApiClient

    migration = importlib.import_module("simpul.api.migrations.0004_intake_scope_for_case_writers")
    # The models as that migration saw them (the clients were the api app's then; the table is the same).
    apps = MigrationLoader(connection).project_state(("api", "0004_intake_scope_for_case_writers")).apps
    writer = api_client_create(name="Kios lama", scopes=["cases:write"])
    agency_system = api_client_create(name="Sistem OPD", scopes=["cases:read", "cases:write", "webhooks:manage"])
    reader = api_client_create(name="Dasbor", scopes=["cases:read"])
    migration.grant_intake(apps, None)
    assert ApiClient.objects.get(pk=writer.pk).scopes == ["cases:write", "cases:intake"]
    assert ApiClient.objects.get(pk=agency_system.pk).scopes == ["cases:read", "cases:write", "webhooks:manage",
                                                                  "cases:intake"]
    assert ApiClient.objects.get(pk=reader.pk).scopes == ["cases:read"]
