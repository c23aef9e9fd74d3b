"""The verification page (anyone), revoking (the issuing office), downloads (the holder), "Dokumen saya"."""

from __future__ import annotations

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from simpul.cases.actions import perform
from simpul.cases.constants import CaseStatus
from simpul.conftest import login
from simpul.core.models import AuditEntry
from simpul.documents.models import Document, DocumentStatus
from simpul.documents.signing import registry
from simpul.documents.tests.factories import case_in_review, letterhead
from simpul.documents.tests.test_issue import FailingBackend


@pytest.fixture
def document(personas):
    letterhead(personas.dukcapil)
    case = case_in_review(personas)
    perform(case, "approve", personas.officer)
    return Document.objects.get(case=case)


def page(client, document, **kwargs):
    return client.post(f"/verifikasi/{document.code}/", kwargs) if kwargs else client.get(f"/verifikasi/{document.code}/")


def upload(content, name="surat.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_anyone_sees_what_was_issued_with_initials_only_and_under_fifty_kilobytes(client, document):
    response = page(client, document)
    html = response.content.decode()
    assert response.status_code == 200
    for shown in (document.number, document.sha256, "Disdukcapil", "Kepala Dukcapil", "S. W.", "Sah",
                  "bukan tanda tangan elektronik tersertifikasi"):
        assert shown.lower() in html.lower()
    assert "Siti Warga" not in html and document.case.reference not in html
    assert len(response.content) < 50 * 1024


def test_a_typed_code_with_spaces_and_lower_case_finds_the_document(client, document):
    typed = f"{document.code[:5].lower()} {document.code[5:]}"
    response = client.get("/verifikasi/", {"code": typed})
    assert response.status_code == 302 and response["Location"].endswith(f"/verifikasi/{document.code}/")
    assert client.get("/verifikasi/", {"code": "TIDAKADA22"}).status_code == 404


def test_the_issued_file_uploaded_is_the_same_file_with_a_valid_signature(client, document):
    html = page(client, document, file=upload(bytes(document.content))).content.decode()
    assert "Berkas sama" in html and "Tanda tangan sah" in html


def test_a_changed_file_is_different_and_its_signature_not_valid(client, document):
    content = bytearray(document.content)
    where = bytes(content).index(b"/Producer") + 3
    content[where] = ord("X") if content[where] != ord("X") else ord("Y")
    html = page(client, document, file=upload(bytes(content))).content.decode()
    assert "Berkas berbeda" in html and "Tanda tangan tidak sah" in html


@pytest.mark.parametrize(("content", "answer"), [
    (b"MZ\x90\x00 not a pdf at all", "Berkas ini bukan PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "tidak dapat dibaca"),
    (b"%PDF-1.4\n1 0 obj << /Length 99 /Filter /FlateDecode >> stream\n" + zlib.compress(b"\0" * 5_000_000)
     + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "tidak dapat dibaca"),
])
def test_hostile_uploads_get_a_clear_answer(client, document, content, answer):
    response = page(client, document, file=upload(content))
    assert response.status_code == 200 and answer in response.content.decode()


def test_a_huge_upload_is_refused_before_it_is_read(client, document, settings):
    settings.DOCUMENTS_VERIFY_MAX_BYTES = 1000
    html = page(client, document, file=upload(b"%PDF-1.7\n" + b"0" * 5000)).content.decode()
    assert "Berkas terlalu besar" in html


def test_uploads_are_rate_limited_per_client(client, document, settings):
    settings.DOCUMENTS_VERIFY_PER_HOUR = 2
    for _ in range(2):
        assert page(client, document, file=upload(b"x")).status_code == 200
    response = page(client, document, file=upload(b"x"))
    assert response.status_code == 429 and "tunggu" in response.content.decode()


def test_the_office_revokes_with_a_reason_audited_and_the_page_says_dicabut_at_once(client, document, personas):
    assert page(client, document).content.decode().count("cabut/") == 0
    login(client, personas.officer)
    assert client.post(f"/verifikasi/{document.code}/cabut/", {"reason": ""}).status_code == 302
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.VALID
    client.post(f"/verifikasi/{document.code}/cabut/", {"reason": "Salah nama; diterbitkan ulang."})
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.REVOKED
    assert AuditEntry.objects.get(action="documents.document_revoke").changes["reason"] == "Salah nama; diterbitkan ulang."
    client.logout()
    html = page(client, document).content.decode()
    assert "Dicabut" in html and "Salah nama; diterbitkan ulang." in html


def test_staff_of_another_office_may_not_revoke(client, document, personas):
    login(client, personas.other_officer)
    assert client.post(f"/verifikasi/{document.code}/cabut/", {"reason": "x"}).status_code == 404
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.VALID


def test_the_holder_finds_and_downloads_it_in_dokumen_saya_and_strangers_get_nothing(client, document, personas):
    assert client.get(f"/verifikasi/{document.code}/unduh/").status_code == 404
    login(client, personas.citizen)
    html = client.get("/akun/dokumen/").content.decode()
    assert document.number in html and f"/verifikasi/{document.code}/unduh/" in html
    response = client.get(f"/verifikasi/{document.code}/unduh/")
    assert response.status_code == 200 and response.content == bytes(document.content)
    login(client, personas.business)
    assert document.number not in client.get("/akun/dokumen/").content.decode()
    assert client.get(f"/verifikasi/{document.code}/unduh/").status_code == 404


def test_the_tracking_page_lists_the_signed_letter_for_the_pin_holder(client, document):
    session = client.session
    session["cases_tracked"] = [document.case.reference]
    session.save()
    html = client.get(f"/lacak/{document.case.reference}/").content.decode()
    assert f"/verifikasi/{document.code}/unduh/" in html
    assert client.get(f"/verifikasi/{document.code}/unduh/").status_code == 200


def test_the_officer_sees_why_when_signing_fails_and_the_case_stays_in_review(client, personas):
    letterhead(personas.dukcapil)
    case = case_in_review(personas)
    login(client, personas.officer)
    with registry.override("local", FailingBackend):
        response = client.post(f"/kantor/perkara/{case.reference}/aksi/approve/", {"approve-note": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Surat keputusan tidak dapat ditandatangani, jadi permohonan tidak disetujui" in html
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIKASI and not Document.objects.exists()


def test_staff_without_their_second_factor_neither_revoke_nor_read_as_the_office(client, document, personas):
    # A password alone (no TOTP step in this session) never acts as staff: no revoke form, no revoking, no download.
    client.force_login(personas.officer)
    assert "cabut/" not in page(client, document).content.decode()
    response = client.post(f"/verifikasi/{document.code}/cabut/", {"reason": "Salah nama."})
    assert response.status_code == 302 and "/akun/verifikasi/" in response["Location"]
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.VALID
    assert client.get(f"/verifikasi/{document.code}/unduh/").status_code == 404
