"""Reporter protection and note audiences at the API doors (JSON API, Open311, agency exchange): the same
complaint is routed and protected the same way through every door, a confidential one is never shown publicly,
a protected reporter is masked for agency systems, and Open311's public read shows notes to the applicant only."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from simpul.cases.actions import case_withdraw
from simpul.cases.models import Case
from simpul.cases.tests.complaints import (
    COMPLAINT,
    REPORTER,
    auditor,
    inspektorat,
    kependudukan,
    portal_complaint,
)
from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import login

__all__ = ["auditor", "inspektorat", "kependudukan"]  # fixtures

OPEN311_KEY = "test-protection-open311-key"


@pytest.fixture
def open311(db):
    row = api_client_create(name="Open311 test", scopes=["cases:intake", "cases:read"],
                            allowed_service_kinds=["pengaduan"], rate_limit_per_minute=0)
    api_key_issue(client=row, secret=OPEN311_KEY)
    return row


def _open311_post(client, **attributes):
    data = {"api_key": OPEN311_KEY, "service_code": "pengaduan-kependudukan",
            "attribute[location_village]": COMPLAINT["location_village"], "description": COMPLAINT["description"],
            "first_name": "Rahmat", "last_name": "Pelapor", "phone": REPORTER["phone"]}
    data.update({f"attribute[{k}]": v for k, v in attributes.items()})
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 201, response.content.decode()
    return Case.objects.get(reference=response.json()[0]["service_request_id"])


def _json_api_post(client, personas, **answers):
    login(client, personas.citizen)
    body = {"service": "pengaduan-kependudukan", "answers": {**COMPLAINT, **REPORTER, **answers}}
    response = client.post("/api/v1/cases/", json.dumps(body), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content.decode()
    client.logout()
    return Case.objects.get(reference=response.json()["reference"])


def test_staff_misconduct_complaint_is_routed_and_protected_alike_through_every_door(
        client, personas, kependudukan, inspektorat, open311):
    answers = {"complaint_topic": "pungli", "anonymous": "no", "confidential": "yes"}
    through_portal, _pin = portal_complaint(Client(), kependudukan, first={**COMPLAINT, "complaint_topic": "pungli"},
                                            reporter={**REPORTER, "anonymous": "no", "confidential": "yes"})
    through_api = _json_api_post(Client(), personas, **answers)
    through_open311 = _open311_post(Client(), **answers)
    for case in (through_portal, through_api, through_open311):
        assert (case.identity, case.agency_id) == ("confidential", inspektorat.pk), case.channel


def test_anonymous_complaint_through_open311_keeps_no_name_or_phone(client, kependudukan, open311):
    case = _open311_post(client, complaint_topic="layanan", anonymous="yes")
    assert case.identity == "anonymous"
    assert (case.applicant_name, case.phone, case.email) == ("", "", "")


def test_confidential_complaint_is_never_shown_on_public_open311(client, kependudukan, open311):
    confidential = _open311_post(client, complaint_topic="layanan", anonymous="no", confidential="yes")
    ordinary = _open311_post(client, complaint_topic="layanan", anonymous="no", confidential="no")
    listed = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()]
    assert listed == [ordinary.reference]
    assert client.get(f"/open311/v2/requests/{confidential.reference}.json").status_code == 404
    by_id = client.get("/open311/v2/requests.json", {"service_request_id": confidential.reference}).json()
    assert by_id == []


def test_open311_public_read_hides_the_reporters_withdrawal_reason(client, kependudukan, open311):
    case = _open311_post(client, complaint_topic="layanan", anonymous="no", confidential="no")
    case_withdraw(case=case, actor=None, via_pin=True, reason="Saya Rahmat, sudah diurus lewat kenalan.")
    item = client.get(f"/open311/v2/requests/{case.reference}.json").json()[0]
    assert item["status"] == "closed"
    assert item["status_notes"] is None


def test_confidential_reporter_is_masked_for_agency_systems(client, personas, kependudukan):
    case = _json_api_post(Client(), personas, complaint_topic="layanan", anonymous="no", confidential="yes")
    assert case.agency == personas.dukcapil
    row = api_client_create(name="Sistem Dukcapil", scopes=["cases:read"], agency=personas.dukcapil)
    _key, secret = api_key_issue(client=row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.get(f"/api/v1/agency/cases/{case.reference}/")
    assert response.status_code == 200
    text = response.content.decode()
    for secret_value in ("Rahmat Pelapor", REPORTER["phone"], "rahmat.pelapor"):
        assert secret_value not in text, secret_value
    body = response.json()
    assert body["identity"] == "confidential" and body["answers"]["full_name"] == "••••"
