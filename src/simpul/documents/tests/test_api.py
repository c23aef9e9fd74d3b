"""GET /api/v1/documents/<number>: another office's system pulls an issued document (scope documents:read)."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from simpul.cases.actions import perform
from simpul.clients.services import api_client_create, api_key_issue
from simpul.documents.models import Document
from simpul.documents.tests.factories import case_in_review, letterhead


@pytest.fixture
def document(personas):
    letterhead(personas.dukcapil)
    case = case_in_review(personas)
    perform(case, "approve", personas.officer)
    return Document.objects.get(case=case)


def api(*scopes):
    client = APIClient()
    if scopes:
        _key, secret = api_key_issue(client=api_client_create(name=f"Sistem {' '.join(scopes)}", scopes=list(scopes)))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_an_agency_system_reads_the_document_and_its_signed_pdf_by_number(document):
    response = api("documents:read").get(f"/api/v1/documents/{document.number}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == document.number and body["status"] == "valid" and body["sha256"] == document.sha256
    assert base64.b64decode(body["pdf_base64"]) == bytes(document.content)
    assert body["verification_url"].endswith(f"/verifikasi/{document.code}/")


def test_without_the_scope_or_a_key_or_for_an_unknown_number_nothing_is_read(document):
    assert api().get(f"/api/v1/documents/{document.number}").status_code == 401
    assert api("cases:read").get(f"/api/v1/documents/{document.number}").status_code == 403
    assert api("documents:read").get("/api/v1/documents/400/999/X/2026").status_code == 404
