"""POST /api/v1/cases/ (built by the cases app) creates a case with its documents atomically: a failure at any
step leaves no case, no document row, no history, no audit entry, no outbox message and no idempotency record,
and the same Idempotency-Key may be used again."""

from __future__ import annotations

import base64
import json
import uuid
from unittest import mock

import pytest
from rest_framework.test import APIClient

from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.cases.models import Case, CaseDocument, CaseEvent
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service
from simpul.clients.services import api_client_create, api_key_issue
from simpul.core.models import AuditEntry, IdempotencyRecord, OutboxMessage


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(personas):
    ktp_service(personas.dukcapil)
    row = api_client_create(name="Kios", scopes=["cases:intake", "cases:read", "cases:write"], agency=personas.dukcapil)
    WebhookSubscription.objects.create(client=row, url="https://kios.example/h", event_types=["*"], secret="s")
    _key, secret = api_key_issue(client=row)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _body():
    pdf = base64.b64encode(PDF_BYTES).decode()
    return {"service": "ktp-el-penggantian", "answers": dict(VALID_ANSWERS),
            "documents": [{"code": "kk", "filename": "kk.pdf", "content_base64": pdf}]}


def _post(api, key):
    return api.post("/api/v1/cases/", data=json.dumps(_body()), content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=key)


def _files(settings):
    from pathlib import Path

    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _nothing_left():
    assert Case.objects.count() == 0
    assert CaseDocument.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert not AuditEntry.objects.filter(action="cases.case_submit").exists()
    assert OutboxMessage.objects.count() == 0 and EventDelivery.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


# Each step after the case row is inserted, made to fail in turn.
FAILURES = [
    "simpul.cases.intake.store_documents",
    "simpul.cases.history.event_record",
    "simpul.cases.intake.audit_record",
    "simpul.cases.history.notify",
]


@pytest.mark.parametrize("target", FAILURES)
def test_a_failure_in_the_middle_leaves_nothing_and_the_key_can_be_retried(api, target, settings):
    key = str(uuid.uuid4())
    with mock.patch(target, side_effect=RuntimeError("disk full")):
        response = _post(api, key)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json" and "disk full" not in response.content.decode()
    _nothing_left()
    retried = _post(api, key)
    assert retried.status_code == 201, retried.content
    assert Case.objects.count() == 1 and CaseDocument.objects.count() == 1


def test_a_failure_in_the_middle_leaves_no_file_in_storage(api, settings):
    with mock.patch("simpul.cases.intake.audit_record", side_effect=RuntimeError("disk full")):
        assert _post(api, str(uuid.uuid4())).status_code == 500
    assert _files(settings) == []


def test_an_invalid_document_creates_nothing(api):
    body = _body()
    body["documents"][0]["content_base64"] = base64.b64encode(b"not a pdf at all").decode()
    response = api.post("/api/v1/cases/", data=json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400 and "kk" in response.json()["errors"]
    _nothing_left()
