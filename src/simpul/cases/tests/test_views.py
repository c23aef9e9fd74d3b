from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from simpul.cases.actions import case_approve, case_request_revision, case_transition
from simpul.cases.intake import case_submit
from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload, png_upload
from simpul.conftest import login


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def _start(client, version):
    response = client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}))
    assert response.status_code == 302
    draft = Draft.objects.latest("id")
    return draft, response["Location"]


def _fill(client, version, draft, answers=None):
    answers = answers or VALID_ANSWERS
    applicant = {k: answers[k] for k in ("nik", "full_name", "village", "phone")}
    url = reverse("cases:apply_page", kwargs={"code": version.service.code, "token": draft.token, "page": "applicant"})
    response = client.post(url, {**applicant, "idempotency_key": draft.idempotency_key})
    assert response.status_code == 302, response.content.decode()[:2000]
    url = reverse("cases:apply_page", kwargs={"code": version.service.code, "token": draft.token, "page": "reason"})
    response = client.post(url, {"reason": answers["reason"], "notes": answers["notes"],
                                 "idempotency_key": draft.idempotency_key})
    assert response.status_code == 302
    url = reverse("cases:apply_documents", kwargs={"code": version.service.code, "token": draft.token})
    response = client.post(url, {"kk": png_upload(), "idempotency_key": draft.idempotency_key})
    assert response.status_code == 302, response.content.decode()[:3000]


def _send(client, version, draft):
    url = reverse("cases:apply_review", kwargs={"code": version.service.code, "token": draft.token})
    return client.post(url, {"idempotency_key": draft.idempotency_key})


def test_anonymous_citizen_applies_and_gets_reference_and_pin(client, version):
    draft, location = _start(client, version)
    assert location.endswith("/applicant/")
    page = client.get(location)
    assert b'name="idempotency_key"' in page.content and draft.idempotency_key.encode() in page.content
    _fill(client, version, draft)
    review = client.get(reverse("cases:apply_review", kwargs={"code": version.service.code, "token": draft.token}))
    assert b"Siti Warga" in review.content
    response = _send(client, version, draft)
    assert response.status_code == 302
    done = client.get(response["Location"])
    case = Case.objects.get()
    assert case.reference.encode() in done.content
    pin = re.search(rb"<strong class=\"big\">(\d{6})</strong>", done.content).group(1).decode()
    assert len(pin) == 6


def test_double_submit_creates_one_case(client, version):
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    first = _send(client, version, draft)
    second = _send(client, version, draft)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1


def test_wrong_answer_keeps_every_other_answer(client, version):
    draft, location = _start(client, version)
    response = client.post(location, {"nik": "123", "full_name": "Budi Santoso", "village": "16.06.01.2001",
                                      "phone": "081234567890", "idempotency_key": draft.idempotency_key})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Budi Santoso"' in body and 'value="081234567890"' in body
    assert "16" in body and "error-summary" in body


def test_forbidden_file_is_refused_with_its_name(client, version):
    draft, _ = _start(client, version)
    url = reverse("cases:apply_documents", kwargs={"code": version.service.code, "token": draft.token})
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"kk": bad, "idempotency_key": draft.idempotency_key})
    assert response.status_code == 400
    assert "virus.pdf" in response.content.decode()


def test_save_and_resume_link(client, version):
    draft, location = _start(client, version)
    response = client.post(location, {"full_name": "Budi", "save": "1", "idempotency_key": draft.idempotency_key})
    # invalid page is not saved: the user sees errors, nothing lost
    assert response.status_code == 400
    response = client.post(location, {**{k: VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")},
                                      "save": "1", "idempotency_key": draft.idempotency_key})
    assert response.status_code == 302 and "disimpan" in response["Location"]
    saved = client.get(response["Location"])
    resume = reverse("cases:apply_resume", kwargs={"code": version.service.code, "token": draft.token})
    assert resume.encode() in saved.content
    other = type(client)()
    response = other.get(resume)
    assert response.status_code == 302 and response["Location"].endswith("/reason/")


def _submitted(personas, version):
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=None, idempotency_key="t1")


def test_tracking_with_reference_and_pin_then_receipt(client, personas, version):
    result = _submitted(personas, version)
    case = result.case
    response = client.post(reverse("cases:track"), {"reference": case.reference.lower().replace("-", " "),
                                                    "pin": result.pin})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and case.get_status_display().encode() in page.content
    receipt = client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference}))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


def test_tracking_without_pin_shows_nothing(client, personas, version):
    case = _submitted(personas, version).case
    response = client.get(reverse("cases:track_detail", kwargs={"reference": case.reference}))
    assert response.status_code == 302 and "/lacak/" in response["Location"]
    assert client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference})).status_code == 404


def test_tracking_is_throttled_after_five_wrong_pins(client, personas, version):
    result = _submitted(personas, version)
    wrong = f"{(int(result.pin) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post(reverse("cases:track"), {"reference": result.case.reference, "pin": wrong}).status_code == 400
    response = client.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin})
    assert response.status_code == 429
    assert "15" in response.content.decode()


def test_applicant_corrects_after_revision_request(client, personas, version):
    result = _submitted(personas, version)
    case = result.case
    case_transition(case=case, action="verify", actor=personas.officer)
    case_request_revision(case=case, actor=personas.officer, message="Foto KK buram")
    client.post(reverse("cases:track"), {"reference": case.reference, "pin": result.pin})
    page = client.get(reverse("cases:track_detail", kwargs={"reference": case.reference}))
    assert b"Foto KK buram" in page.content
    url = reverse("cases:track_revise", kwargs={"reference": case.reference})
    form = client.get(url)
    assert form.status_code == 200 and b"Siti Warga" in form.content
    data = {f"applicant-{k}": VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")}
    data.update({"reason-reason": "damaged", "reason-notes": "foto baru", "kk": png_upload("baru.png")})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "verifikasi" and case.revision_round == 1


def test_logged_in_citizen_sees_own_cases_only(client, personas, version):
    mine = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=personas.citizen, idempotency_key="m1").case
    theirs = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                         applicant=personas.business, idempotency_key="m2").case
    login(client, personas.citizen)
    page = client.get(reverse("cases:my_cases"))
    assert mine.reference.encode() in page.content and theirs.reference.encode() not in page.content
    assert client.get(reverse("cases:track_detail", kwargs={"reference": mine.reference})).status_code == 200
    other = client.get(reverse("cases:track_detail", kwargs={"reference": theirs.reference}))
    assert other.status_code == 302  # sent to the PIN form, nothing shown


def test_business_service_needs_business_account(client, personas):
    version = ktp_service(personas.dpmptsp, code="izin-reklame", audience="business")
    response = client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}))
    assert response.status_code == 403


def test_village_operator_applies_with_consent_for_own_village(client, personas, version):
    login(client, personas.operator)
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    response = _send(client, version, draft)
    assert response.status_code == 400 and Case.objects.count() == 0  # consent missing
    url = reverse("cases:apply_review", kwargs={"code": version.service.code, "token": draft.token})
    response = client.post(url, {"idempotency_key": draft.idempotency_key, "consent": "on"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.submitted_by == personas.operator and case.applicant is None and case.channel == "operator"
    page = client.get(reverse("cases:my_cases"))
    assert case.reference.encode() in page.content


def test_village_operator_cannot_apply_for_another_village(client, personas, version):
    login(client, personas.operator)
    draft, _ = _start(client, version)
    _fill(client, version, draft, answers={**VALID_ANSWERS, "village": "16.06.02.2001"})
    url = reverse("cases:apply_review", kwargs={"code": version.service.code, "token": draft.token})
    response = client.post(url, {"idempotency_key": draft.idempotency_key, "consent": "on"})
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "desa" in response.content.decode().lower() or "village" in response.content.decode().lower()


def test_stale_idempotency_key_is_refused_without_losing_the_draft(client, version):
    draft, _ = _start(client, version)
    _fill(client, version, draft)
    url = reverse("cases:apply_review", kwargs={"code": version.service.code, "token": draft.token})
    response = client.post(url, {"idempotency_key": "something-else"})
    assert response.status_code == 400 and Case.objects.count() == 0
    assert Draft.objects.get(pk=draft.pk).answers["full_name"] == "Siti Warga"


def _tracked(client, result):
    client.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin})
    return client.get(reverse("cases:track_detail", kwargs={"reference": result.case.reference})).content.decode()


def test_the_tracking_page_shows_the_finish_date_once_approved_and_never_breaks_the_reference(
    client, personas, version,
):
    result = _submitted(personas, version)
    page = _tracked(client, result)
    assert f'<h1>Permohonan <span class="ref">{result.case.reference}</span></h1>' in page
    assert "Perkiraan selesai" in page and "Selesai pada" not in page
    case_transition(case=result.case, action="verify", actor=personas.officer)
    case = case_approve(case=Case.objects.get(pk=result.case.pk), actor=personas.officer)
    page = _tracked(client, result)
    day = case.closed_at.astimezone(ZoneInfo("Asia/Jakarta")).day
    assert re.search(rf"<dt>Selesai pada</dt><dd>{day} [A-Z][a-z]+ \d{{4}}</dd>", page)
    assert "Perkiraan selesai" not in page


def test_the_saved_page_tells_a_signed_in_citizen_her_answers_are_in_her_account(client, personas, version):
    login(client, personas.citizen)
    draft, location = _start(client, version)
    response = client.post(location, {**{k: VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")},
                                      "save": "1", "idempotency_key": draft.idempotency_key})
    page = client.get(response["Location"]).content.decode()
    assert "Jawaban disimpan di akun Anda." in page and "Siapa pun yang punya tautan" not in page
    anonymous = type(client)()
    draft, location = _start(anonymous, version)
    response = anonymous.post(location, {**{k: VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")},
                                         "save": "1", "idempotency_key": draft.idempotency_key})
    assert "Siapa pun yang punya tautan" in anonymous.get(response["Location"]).content.decode()
