"""Application drafts hold personal data only as a case does, and only until their case exists."""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from simpul.cases.actions import case_withdraw
from simpul.cases.constants import CONSENT_DOCUMENT
from simpul.cases.models import Case, Draft
from simpul.cases.schedule import drafts_purge
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, png_upload
from simpul.conftest import login
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.models import IdempotencyRecord, OutboxMessage
from simpul.core.schedule import jobs
from simpul.notifications.models import Message

NIK = VALID_ANSWERS["nik"]
KK = "1606011204150003"
FORM_WITH_KK = {
    "pages": [
        {"key": "applicant", "title_id": "Pemohon", "title_en": "Applicant", "fields": [
            {"name": "nik", "type": "nik", "role": "applicant_nik", "label_id": "NIK", "label_en": "NIK",
             "required": True},
            {"name": "kk_number", "type": "kk", "label_id": "Nomor KK", "label_en": "Family card number",
             "required": True},
            {"name": "full_name", "type": "text", "role": "applicant_name", "label_id": "Nama", "label_en": "Name",
             "required": True},
            {"name": "reason", "type": "choice", "label_id": "Alasan", "label_en": "Reason", "required": True,
             "choices": [{"value": "lost", "label_id": "Hilang", "label_en": "Lost"},
                         {"value": "damaged", "label_id": "Rusak", "label_en": "Damaged"}]},
        ]},
    ]
}
DOCUMENTS = [
    {"code": "kk", "label_id": "Scan KK", "label_en": "Family card", "required": True, "types": ["png"]},
    {"code": "police_report", "label_id": "Surat polisi", "label_en": "Police report", "required": False,
     "types": ["png"], "show_if": {"field": "reason", "equals": "lost"}},
]


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil, form=FORM_WITH_KK, documents=DOCUMENTS)


def _url(name, version, token, **kwargs):
    return reverse(f"cases:{name}", kwargs={"code": version.service.code, "token": token, **kwargs})


def _start(client, version):
    response = client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    assert response.status_code == 302
    return Draft.objects.latest("id")


def _answer(client, version, draft, reason="damaged"):
    response = client.post(_url("apply_page", version, draft.token, page="applicant"), {
        "nik": NIK, "kk_number": KK, "full_name": "Siti Warga", "reason": reason,
        "idempotency_key": draft.idempotency_key,
    })
    assert response.status_code == 302, response.content.decode()[:2000]


def _raw_answers(draft_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cases_draft WHERE id = %s", [draft_id])
        return str(cursor.fetchone()[0])


def test_draft_stores_nik_and_kk_encrypted_and_shows_them_to_the_applicant(client, version):
    draft = _start(client, version)
    _answer(client, version, draft)
    raw = _raw_answers(draft.pk)
    assert NIK not in raw and KK not in raw and "Siti Warga" in raw
    page = client.get(_url("apply_page", version, draft.token, page="applicant"))
    assert f'value="{NIK}"'.encode() in page.content and f'value="{KK}"'.encode() in page.content
    assert client.post(_url("apply_documents", version, draft.token), {"kk": png_upload()}).status_code == 302
    review = client.get(_url("apply_review", version, draft.token))
    assert NIK.encode() in review.content


def test_sending_a_draft_deletes_it_and_its_case_keeps_the_documents(client, version):
    draft = _start(client, version)
    _answer(client, version, draft)
    client.post(_url("apply_documents", version, draft.token), {"kk": png_upload()})
    response = client.post(_url("apply_review", version, draft.token), {"idempotency_key": draft.idempotency_key})
    assert response.status_code == 302
    assert not Draft.objects.filter(pk=draft.pk).exists()
    case = Case.objects.get()
    document = case.documents.get()
    assert default_storage.exists(document.stored_name)
    assert case.form_data["nik"].startswith("enc:") and case.form_data["kk_number"].startswith("enc:")
    done = client.get(response["Location"])
    assert done.status_code == 200 and case.reference.encode() in done.content
    # Pages of the sent draft lead this session to its confirmation.
    page = client.get(_url("apply_page", version, draft.token, page="applicant"))
    assert page.status_code == 302 and page["Location"] == response["Location"]


def test_document_the_case_does_not_take_is_deleted_with_the_draft(client, version,
                                                                  django_capture_on_commit_callbacks):
    draft = _start(client, version)
    _answer(client, version, draft, reason="lost")
    client.post(_url("apply_documents", version, draft.token),
                {"kk": png_upload(), "police_report": png_upload("polisi.png")})
    stored = {code: data["stored_name"] for code, data in Draft.objects.get(pk=draft.pk).documents.items()}
    _answer(client, version, draft, reason="damaged")  # the police report is no longer asked for
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("apply_review", version, draft.token),
                               {"idempotency_key": draft.idempotency_key})
    assert response.status_code == 302
    assert default_storage.exists(stored["kk"]) and not default_storage.exists(stored["police_report"])
    assert list(Case.objects.get().documents.values_list("stored_name", flat=True)) == [stored["kk"]]


def test_check_page_sent_again_from_a_new_session_gets_the_same_case(client, version):
    draft = _start(client, version)
    _answer(client, version, draft)
    client.post(_url("apply_documents", version, draft.token), {"kk": png_upload()})
    first = client.post(_url("apply_review", version, draft.token), {"idempotency_key": draft.idempotency_key})
    pin = client.session["cases_pins"][Case.objects.get().reference]
    retry = Client()  # the answer to the first request was lost, and the session cookie with it
    again = retry.post(_url("apply_review", version, draft.token), {"idempotency_key": draft.idempotency_key})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    done = retry.get(again["Location"])
    assert done.status_code == 200 and pin.encode() in done.content
    assert Case.objects.count() == 1
    stranger = Client().post(_url("apply_review", version, draft.token), {"idempotency_key": "guess"})
    assert stranger.status_code == 404


def test_sent_draft_of_an_account_is_replayed_only_for_that_account(client, personas, version):
    login(client, personas.citizen)
    draft = _start(client, version)
    _answer(client, version, draft)
    client.post(_url("apply_documents", version, draft.token), {"kk": png_upload()})
    assert client.post(_url("apply_review", version, draft.token),
                       {"idempotency_key": draft.idempotency_key}).status_code == 302
    other = Client()
    login(other, personas.business)
    response = other.post(_url("apply_review", version, draft.token), {"idempotency_key": draft.idempotency_key})
    assert response.status_code == 404


def test_refused_operator_application_leaves_no_consent_photo(client, personas, version):
    login(client, personas.operator)
    draft = _start(client, version)
    _answer(client, version, draft)  # no document yet: the application is refused
    response = client.post(_url("apply_review", version, draft.token), {
        "idempotency_key": draft.idempotency_key, "consent": "on", "consent_photo": png_upload("setuju.png"),
    })
    assert response.status_code == 400 and Case.objects.count() == 0
    folder = default_storage.path("")  # the draft has no document yet: nothing may be stored at all
    assert not os.path.exists(folder) or not any(files for _root, _dirs, files in os.walk(folder))


def test_drafts_saved_before_the_rule_get_their_nik_encrypted_by_the_daily_job(client, version):
    draft = _start(client, version)
    Draft.objects.filter(pk=draft.pk).update(answers={"nik": NIK, "kk_number": KK, "full_name": "Siti Warga"})
    assert NIK in _raw_answers(draft.pk)  # as an earlier version stored it
    drafts_purge()
    raw = _raw_answers(draft.pk)
    assert NIK not in raw and KK not in raw and "Siti Warga" in raw
    page = client.get(_url("apply_page", version, draft.token, page="applicant"))
    assert f'value="{NIK}"'.encode() in page.content


def test_unsent_draft_and_its_files_are_purged_after_the_retention_days(client, settings, version,
                                                                       django_capture_on_commit_callbacks):
    settings.DRAFT_RETENTION_DAYS = 7
    draft = _start(client, version)
    _answer(client, version, draft)
    client.post(_url("apply_documents", version, draft.token), {"kk": png_upload()})
    stored = Draft.objects.get(pk=draft.pk).documents["kk"]["stored_name"]
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=6))
    drafts_purge()
    assert Draft.objects.filter(pk=draft.pk).exists()
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        drafts_purge()
    assert not Draft.objects.filter(pk=draft.pk).exists() and not default_storage.exists(stored)


def test_abandoned_chunked_upload_parts_are_purged_by_the_hourly_job(client, settings, tmp_path, db):
    settings.VAR_DIR = tmp_path
    content = b"x" * 1000
    started = client.post("/api/v1/uploads/", json.dumps({"filename": "kk.png", "size": len(content),
                                                          "sha256": hashlib.sha256(content).hexdigest()}),
                          content_type="application/json").json()
    client.put(f"/api/v1/uploads/{started['id']}/chunks/0/", content, content_type="application/octet-stream",
               HTTP_X_CHUNK_SHA256=hashlib.sha256(content).hexdigest())
    folder = tmp_path / "uploads" / started["id"]
    assert (folder / "0.part").exists()
    old = time.time() - 25 * 3600
    os.utime(folder / "meta.json", (old, old))
    jobs()["portal.uploads_purge"].func()
    assert not folder.exists()


def test_retention_of_a_case_leaves_no_copy_of_its_personal_data(client, personas, version,
                                                                  django_capture_on_commit_callbacks):
    login(client, personas.operator)
    draft = _start(client, version)
    _answer(client, version, draft)
    client.post(_url("apply_documents", version, draft.token), {"kk": png_upload()})
    response = client.post(_url("apply_review", version, draft.token), {
        "idempotency_key": draft.idempotency_key, "consent": "on", "consent_photo": png_upload("setuju.png"),
    })
    assert response.status_code == 302
    case = Case.objects.get()
    stored = list(case.documents.values_list("stored_name", flat=True))
    assert len(stored) == 2 and case.documents.filter(spec_code=CONSENT_DOCUMENT).count() == 1  # KK + consent
    Case.objects.filter(pk=case.pk).update(email="siti@example.org", phone="081234567890")
    case.refresh_from_db()
    case_withdraw(case=case, actor=None, via_pin=True)
    outbox_deliver_batch()  # the worker renders the notifications into messages
    OutboxMessage.objects.filter(ordering_key__startswith=case.reference).update(status="delivered")
    IdempotencyRecord.objects.create(scope=case.idempotency_scope, key=case.idempotency_key, fingerprint="f",
                                     state="done", response_status=201, response_body={"pin": "123456"},
                                     expires_at=timezone.now() + timedelta(days=1))
    assert Message.objects.filter(case_reference=case.reference).exclude(recipient="").exists()
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=365 * 6))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cases", "retention", stdout=StringIO())
    assert [name for name in stored if default_storage.exists(name)] == []
    messages = Message.objects.filter(case_reference=case.reference)
    assert messages.exists() and not messages.exclude(recipient="", body="").exists()
    assert not IdempotencyRecord.objects.filter(scope=case.idempotency_scope, key=case.idempotency_key).exists()
    assert not OutboxMessage.objects.filter(ordering_key__startswith=case.reference).exclude(payload={}).exists()
