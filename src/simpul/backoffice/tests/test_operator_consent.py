"""The citizen's consent at the village hall after the application is sent: the consent form (A4, prefilled
with the case) to print, and the photo of the signed form attached to the case, which the officer sees."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from simpul.accounts.models import Role
from simpul.cases.consent import case_consent_attach, consent_photo_check
from simpul.cases.constants import CONSENT_DOCUMENT, CaseAction
from simpul.cases.intake import case_submit
from simpul.cases.selectors import case_public_history
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login, make_user
from simpul.core.models import AuditEntry
from simpul.core.tests.pdfchecks import assert_accessible_pdf, weasyprint_complaints


@pytest.fixture
def case(personas: Any) -> Any:
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       idempotency_key="consent-1", submitted_by=personas.operator, consent={"given": True}).case


def _photo(name: str = "persetujuan.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (300, 420), (250, 250, 245)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_the_consent_form_is_an_accessible_a4_page_prefilled_with_the_case(
    client: Client, personas: Any, case: Any, caplog: pytest.LogCaptureFixture
) -> None:
    login(client, personas.operator)
    response = client.get(f"/kantor/desa/{case.reference}/persetujuan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert weasyprint_complaints(caplog) == []
    facts = assert_accessible_pdf(response.content, title=f"Formulir persetujuan {case.reference}", lang="id")
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert len(pdf.pages) == 1
        box = pdf.pages[0].mediabox
        assert (round(float(box[2] - box[0]) / 72 * 25.4), round(float(box[3] - box[1]) / 72 * 25.4)) == (210, 297)
    for expected in (case.reference, "Penggantian KTP-el", "Siti Warga", "1606********0001", "Sukarami",
                     "Operator Sukarami", "Dinas Administrasi Kependudukan", "Tanda tangan warga"):
        assert expected in facts.text, expected
    assert VALID_ANSWERS["nik"] not in facts.text  # the paper stays at the village hall: the NIK masked


def test_the_consent_form_is_in_english_on_the_english_pages(client: Client, personas: Any, case: Any) -> None:
    login(client, personas.operator)
    response = client.get(f"/en/kantor/desa/{case.reference}/persetujuan.pdf")
    facts = assert_accessible_pdf(response.content, title=f"Consent form {case.reference}", lang="en")
    assert "Signature of the citizen" in facts.text


def test_the_operator_attaches_the_signed_photo_and_the_officer_sees_it(
    client: Client, personas: Any, case: Any
) -> None:
    login(client, personas.operator)
    response = client.post(f"/kantor/desa/{case.reference}/persetujuan/", {"consent_photo": _photo()})
    assert response.status_code == 302 and response["Location"] == f"/kantor/desa/{case.reference}/"
    document = case.documents.get(spec_code=CONSENT_DOCUMENT)
    assert document.uploaded_by_id == personas.operator.pk and document.content_type == "image/jpeg"
    event = case.events.get(action=CaseAction.ATTACH_CONSENT)
    assert event.actor_id == personas.operator.pk and event not in case_public_history(case)
    assert AuditEntry.objects.filter(action="cases.case_consent_attach", actor=personas.operator).count() == 1
    page = client.get(f"/kantor/desa/{case.reference}/").content.decode()
    assert "Foto formulir persetujuan yang ditandatangani dilampirkan pada" in page
    assert 'class="tag ok">formulir persetujuan terlampir</span>' in client.get("/kantor/desa/").content.decode()
    officer = Client()
    login(officer, personas.officer)
    screen = officer.get(f"/kantor/perkara/{case.reference}/").content.decode()
    assert "Formulir persetujuan yang ditandatangani" in screen and "belum dilampirkan" not in screen
    assert officer.get(f"/kantor/perkara/{case.reference}/dokumen/{document.pk}/").status_code == 200


def test_the_officer_sees_when_the_signed_consent_form_is_missing(
    client: Client, personas: Any, case: Any
) -> None:
    login(client, personas.officer)
    page = client.get(f"/kantor/perkara/{case.reference}/").content.decode()
    assert "formulir persetujuan bertanda tangan belum dilampirkan" in page


def test_after_attaching_the_operator_goes_back_to_the_page_she_came_from_on_this_site_only(
    client: Client, personas: Any, case: Any
) -> None:
    login(client, personas.operator)
    back = "/layanan/ktp-el-penggantian/ajukan/abc/terkirim/"
    response = client.post(f"/kantor/desa/{case.reference}/persetujuan/", {"consent_photo": _photo(), "next": back})
    assert response["Location"] == back
    response = client.post(f"/kantor/desa/{case.reference}/persetujuan/",
                           {"consent_photo": _photo(), "next": "https://elsewhere.example/"})
    assert response["Location"] == f"/kantor/desa/{case.reference}/"


def test_a_photo_that_is_not_a_photo_is_refused_in_the_pages_language_and_nothing_is_kept(
    client: Client, personas: Any, case: Any
) -> None:
    login(client, personas.operator)
    response = client.post(f"/kantor/desa/{case.reference}/persetujuan/",
                           {"consent_photo": SimpleUploadedFile("setuju.exe", b"MZ" + b"\0" * 200)})
    page = response.content.decode()
    assert response.status_code == 400 and "setuju.exe" in page and 'role="alert"' in page
    assert "Ada masalah" in page
    assert not case.documents.filter(spec_code=CONSENT_DOCUMENT).exists()
    empty = client.post(f"/kantor/desa/{case.reference}/persetujuan/", {})
    assert empty.status_code == 400
    assert "Pilih foto formulir persetujuan yang sudah ditandatangani." in empty.content.decode()
    english = client.post(f"/en/kantor/desa/{case.reference}/persetujuan/", {})
    assert "Choose the photo of the signed consent form." in english.content.decode()


def test_nobody_else_prints_the_consent_form_or_attaches_a_photo(client: Client, personas: Any, case: Any) -> None:
    colleague = make_user("operator3@test.simpul", Role.VILLAGE_OPERATOR, full_name="Operator Kedua",
                          village=personas.desa)
    for user in (colleague, personas.officer):
        login(client, user)
        assert client.get(f"/kantor/desa/{case.reference}/persetujuan.pdf").status_code == 404
        response = client.post(f"/kantor/desa/{case.reference}/persetujuan/", {"consent_photo": _photo()})
        assert response.status_code == 404
    assert not case.documents.filter(spec_code=CONSENT_DOCUMENT).exists()


def test_the_service_refuses_anyone_but_the_operator_who_sent_it(personas: Any, case: Any) -> None:
    from django.core.exceptions import PermissionDenied

    photo = consent_photo_check(_photo())
    for actor in (personas.officer, personas.citizen, None):
        with pytest.raises(PermissionDenied):
            case_consent_attach(case=case, photo=photo, actor=actor)
    assert not case.documents.filter(spec_code=CONSENT_DOCUMENT).exists()
