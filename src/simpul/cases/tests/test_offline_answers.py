"""What the server answers the offline outbox (header X-Simpul-Outbox), and an empty file part on every door.

The outbox trusts only JSON: `sent` with the case's reference, `saved` for a step, `refused` with the reasons in
the page's language; a log-in redirect means "log in first". A browser without JavaScript gets redirects as before.
An empty optional file part (0 bytes, named "file") is no file: the operator's consent photo, a document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, png_upload
from simpul.conftest import login

OUTBOX = {"HTTP_X_SIMPUL_OUTBOX": "1"}


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def _url(name, version, draft, **kw):
    return reverse(name, kwargs={"code": version.service.code, "token": draft.token, **kw})


def _start(client, version):
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    return Draft.objects.latest("id")


def _pages(client, version, draft, **extra):
    applicant = {k: VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")}
    first = client.post(_url("cases:apply_page", version, draft, page="applicant"),
                        {**applicant, "idempotency_key": draft.idempotency_key}, **extra)
    second = client.post(_url("cases:apply_page", version, draft, page="reason"),
                         {"reason": VALID_ANSWERS["reason"], "notes": VALID_ANSWERS["notes"],
                          "idempotency_key": draft.idempotency_key}, **extra)
    return first, second


def test_outbox_gets_saved_for_a_step_and_sent_with_the_reference(client, version):
    draft = _start(client, version)
    first, _second = _pages(client, version, draft, **OUTBOX)
    assert first.status_code == 200 and first.json() == {
        "status": "saved", "reference": "", "url": _url("cases:apply_page", version, draft, page="reason")}
    assert first["Cache-Control"] == "private, no-store"
    documents = client.post(_url("cases:apply_documents", version, draft),
                            {"kk": png_upload(), "idempotency_key": draft.idempotency_key}, **OUTBOX)
    assert documents.json()["status"] == "saved"
    sent = client.post(_url("cases:apply_review", version, draft), {"idempotency_key": draft.idempotency_key},
                       **OUTBOX)
    case = Case.objects.get()
    assert sent.json() == {"status": "sent", "reference": case.reference,
                           "url": _url("cases:apply_done", version, draft)}
    # sent again (the first answer was lost on the link): the same case, the same answer
    again = client.post(_url("cases:apply_review", version, draft), {"idempotency_key": draft.idempotency_key},
                        **OUTBOX)
    assert again.json()["reference"] == case.reference and Case.objects.count() == 1


def test_outbox_refusal_carries_the_reasons_in_indonesian(client, version):
    draft = _start(client, version)
    response = client.post(_url("cases:apply_page", version, draft, page="applicant"),
                           {"nik": "123", "full_name": "Budi", "idempotency_key": draft.idempotency_key}, **OUTBOX)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "refused" and body["errors"] and "reference" not in body
    assert any("NIK" in e for e in body["errors"]), body
    assert not any("This field" in e for e in body["errors"])  # translated
    # without the header: the page with its errors, as before
    plain = client.post(_url("cases:apply_page", version, draft, page="applicant"),
                        {"nik": "123", "idempotency_key": draft.idempotency_key})
    assert plain.status_code == 400 and plain["Content-Type"].startswith("text/html")


def test_outbox_post_for_a_logged_out_operator_is_sent_to_log_in_not_taken_for_sent(client, personas, version):
    login(client, personas.operator)
    draft = _start(client, version)
    _pages(client, version, draft)
    client.post(_url("cases:apply_documents", version, draft), {"kk": png_upload(),
                                                               "idempotency_key": draft.idempotency_key})
    client.logout()
    response = client.post(_url("cases:apply_review", version, draft),
                           {"idempotency_key": draft.idempotency_key, "consent": "on"}, **OUTBOX)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Case.objects.count() == 0 and Draft.objects.filter(pk=draft.pk).exists()


def test_operator_consent_with_an_empty_photo_part_is_consent_without_photo(client, personas, version):
    login(client, personas.operator)
    draft = _start(client, version)
    _pages(client, version, draft)
    empty = SimpleUploadedFile("file", b"", content_type="application/octet-stream")
    documents = client.post(_url("cases:apply_documents", version, draft), {
        "kk": png_upload(), "damaged_card_photo": SimpleUploadedFile("file", b""),
        "idempotency_key": draft.idempotency_key})
    assert documents.status_code == 302, documents.content.decode()[:2000]
    assert set(Draft.objects.get(pk=draft.pk).documents) == {"kk"}
    response = client.post(_url("cases:apply_review", version, draft),
                           {"idempotency_key": draft.idempotency_key, "consent": "on", "consent_photo": empty},
                           **OUTBOX)
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.get()
    assert response.json()["reference"] == case.reference
    assert case.consent == {"given": True, "by": "operator"}


def test_outbox_key_is_per_person_never_stored_and_the_same_after_logging_in_again(client, personas):
    from django.test import Client

    url = reverse("portal:outbox_key")
    login(client, personas.operator)
    first = client.get(url)
    assert first["Cache-Control"] == "private, no-store"
    again = Client()
    login(again, personas.operator)
    assert again.get(url).json()["key"] == first.json()["key"]  # the operator's queue opens after a new log-in
    other = Client()
    login(other, personas.citizen)
    anonymous = Client().get(url).json()
    assert other.get(url).json()["key"] != first.json()["key"] != anonymous["key"]
    assert first.json()["csrf"]


def test_every_logout_clears_the_device_and_personal_pages_are_not_stored(client, personas):
    login(client, personas.operator)
    page = client.get(reverse("backoffice:operator_today"))
    assert page["Cache-Control"] == "private, no-store"
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
