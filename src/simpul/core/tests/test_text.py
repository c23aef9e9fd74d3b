"""Bidirectional controls (U+202E and friends) never reach a stored name, whichever door the name came in by."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.accounts.models import User
from simpul.api.tests.test_open311 import complaint, open311_client, post_request  # noqa: F401 - fixtures
from simpul.cases.models import Case
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service
from simpul.clients.services import api_client_create, api_key_issue
from simpul.core.text import strip_bidi

pytestmark = pytest.mark.django_db

SPOOF = "Siti\u202eanimA\u202c \u2066Warga\u2069\u200f"  # shows as "Siti Amina Warga" with the order reversed


def test_strip_bidi_removes_every_override_isolate_and_mark():
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    assert strip_bidi(f"A{controls}B") == "AB"
    assert strip_bidi("Siti Aminah") == "Siti Aminah"


def test_a_name_registered_on_the_portal_is_stored_without_bidi_controls(client, region_tree):
    response = client.post(reverse("accounts:register_citizen"), {
        "full_name": SPOOF, "nik": "1606014107950001", "domicile": "16.06.01.2001", "email": "siti@example.id",
        "phone": "0812 3456 7890", "password": "sungai-musi-mengalir-jauh",
        "password_again": "sungai-musi-mengalir-jauh",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="siti@example.id")
    assert user.full_name == "SitianimA Warga"
    assert user.citizen_profile.full_name == "SitianimA Warga"


def test_a_name_sent_through_the_json_api_is_stored_without_bidi_controls(personas):
    ktp_service(personas.dukcapil)
    row = api_client_create(name="Kios \u202edesa", scopes=["cases:intake"])
    assert row.name == "Kios desa"
    _key, secret = api_key_issue(client=row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"service": "ktp-el-penggantian", "answers": {**VALID_ANSWERS, "full_name": SPOOF},
            "documents": [{"code": "kk", "filename": "kk\u202efdp.exe", "content_base64": base64.b64encode(
                PDF_BYTES).decode()}]}
    response = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.applicant_name == "SitianimA Warga"
    assert case.form_data["full_name"] == "SitianimA Warga"
    assert "\u202e" not in case.documents.get().original_name  # file names were already cleaned


def test_a_name_sent_through_open311_is_stored_without_bidi_controls(client, complaint, open311_client,  # noqa: F811
                                                                     region_tree):
    response = post_request(client, first_name="Siti\u202e", last_name="\u2067Aminah\u2069")
    assert response.status_code == 201, response.content
    assert Case.objects.get().applicant_name == "Siti Aminah"
