"""Signed receipts (per service), reissuing a document from its source, and issuing a case-less document (a
certificate) through the one issuing path."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from simpul.cases.actions import perform
from simpul.conftest import login
from simpul.core.models import AuditEntry
from simpul.documents import services
from simpul.documents.models import Document, DocumentKind, DocumentStatus
from simpul.documents.signing import registry
from simpul.documents.tests.factories import case_in_review, letterhead
from simpul.documents.tests.pdftools import run_tool
from simpul.documents.tests.test_issue import FailingBackend
from simpul.documents.verification import signature_ok, signature_status


@pytest.fixture
def case(personas):
    letterhead(personas.dukcapil)
    return case_in_review(personas)


def signs_receipts(case, on=True):
    service = case.service_version.service
    service.signs_receipt = on
    service.save(update_fields=["signs_receipt"])


def test_a_service_that_signs_receipts_gives_one_signed_receipt_without_the_pin(client, case, personas):
    signs_receipts(case)
    login(client, personas.citizen)
    first = client.get(f"/lacak/{case.reference}/tanda-terima.pdf")
    second = client.get(f"/lacak/{case.reference}/tanda-terima.pdf")
    assert first.status_code == 200 and first.content == second.content
    receipt = Document.objects.get(case=case, kind=DocumentKind.RECEIPT)
    assert receipt.number == f"{case.reference}/TT" and receipt.holder == personas.citizen
    assert bytes(receipt.content) == first.content
    status = signature_status(first.content)
    assert status is not None and status.trusted and signature_ok(status)
    text = run_tool("pdftotext", first.content, after=("-",))
    assert "PIN" in text and "tidak memuat PIN" in text  # says it holds none; the PIN itself is never in it
    assert f"/verifikasi/{receipt.code}/" in text and "Tanda terima" in text
    # a receipt takes no number from the office's letter sequence
    perform(case, "approve", personas.officer)
    decision = Document.objects.get(case=case, kind=DocumentKind.DECISION)
    assert decision.number.split("/")[1] == "1"


def test_a_service_that_does_not_sign_receipts_draws_the_receipt_and_issues_nothing(client, case, personas):
    login(client, personas.citizen)
    response = client.get(f"/lacak/{case.reference}/tanda-terima.pdf")
    assert response.status_code == 200 and signature_status(response.content) is None
    assert not Document.objects.filter(kind=DocumentKind.RECEIPT).exists()


def test_a_revoked_receipt_is_not_issued_again_behind_the_offices_back(client, case, personas):
    signs_receipts(case)
    login(client, personas.citizen)
    client.get(f"/lacak/{case.reference}/tanda-terima.pdf")
    receipt = Document.objects.get(kind=DocumentKind.RECEIPT)
    services.document_revoke(document=receipt, actor=personas.officer, reason="Salah layanan.")
    response = client.get(f"/lacak/{case.reference}/tanda-terima.pdf")
    assert response.status_code == 200 and signature_status(response.content) is None
    assert Document.objects.filter(kind=DocumentKind.RECEIPT).count() == 1


def test_reissuing_a_letter_supersedes_it_and_the_page_points_to_the_new_one(client, case, personas):
    perform(case, "approve", personas.officer, note="Ambil di loket 2.")
    old = Document.objects.get(case=case)
    case.applicant_name = "Siti Warga Ningsih"
    case.save(update_fields=["applicant_name"])
    login(client, personas.officer)
    assert client.post(f"/verifikasi/{old.code}/terbitkan-ulang/", {"reissue-reason": ""}).status_code == 302
    assert Document.objects.count() == 1
    response = client.post(f"/verifikasi/{old.code}/terbitkan-ulang/", {"reissue-reason": "Nama diperbaiki."})
    new = Document.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/verifikasi/{new.code}/"
    old.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED and old.superseded_by == new
    assert old.status_reason == "Nama diperbaiki." and new.status == DocumentStatus.VALID
    assert new.number != old.number and new.number.split("/")[1] == "2" and new.note == "Ambil di loket 2."
    text = run_tool("pdftotext", bytes(new.content), after=("-",))
    assert "Siti Warga Ningsih" in text and old.number in text and "Ambil di loket 2." in text
    assert AuditEntry.objects.get(action="documents.document_reissue").changes["new_number"] == new.number
    client.logout()
    html = client.get(f"/verifikasi/{old.code}/").content.decode()
    assert "Diganti" in html and f"/verifikasi/{new.code}/" in html and "Nama diperbaiki." in html


def test_reissue_that_fails_to_sign_leaves_the_old_document_valid(case, personas):
    perform(case, "approve", personas.officer)
    old = Document.objects.get(case=case)
    with registry.override("local", FailingBackend), pytest.raises(ValidationError) as caught:
        services.document_reissue(document=old, actor=personas.officer, reason="Nama diperbaiki.")
    assert "tidak ada yang diterbitkan" in " ".join(caught.value.messages)
    old.refresh_from_db()
    assert old.status == DocumentStatus.VALID and Document.objects.count() == 1


def test_staff_of_another_office_and_citizens_cannot_reissue(client, case, personas):
    perform(case, "approve", personas.officer)
    old = Document.objects.get(case=case)
    login(client, personas.other_officer)
    assert client.post(f"/verifikasi/{old.code}/terbitkan-ulang/", {"reissue-reason": "x"}).status_code == 404
    login(client, personas.citizen)  # not staff: refused before the document is looked at
    assert client.post(f"/verifikasi/{old.code}/terbitkan-ulang/", {"reissue-reason": "x"}).status_code == 403
    assert Document.objects.count() == 1


def test_a_certificate_without_a_case_is_issued_signed_and_kept_for_its_holder(client, personas):
    letterhead(personas.dukcapil)
    document = services.document_issue(
        kind=DocumentKind.CERTIFICATE, agency=personas.dukcapil, actor=personas.head, holder=personas.citizen,
        holder_name="Siti Warga", title="Sertifikat {number}", subject="Seminar keamanan siber",
        template="documents/certificate_pdf.html",
        context={"recipient": "Siti <b>Warga</b>", "achievement": "atas kehadirannya sebagai peserta seminar",
                 "held_on": "3 Desember 2026", "held_at": "Sekayu"},
        reason="Sertifikat kehadiran",
    )
    assert document.case is None and document.kind == DocumentKind.CERTIFICATE
    assert document.file_name.startswith("sertifikat-")
    status = signature_status(bytes(document.content))
    assert status is not None and signature_ok(status)
    assert "Siti <b>Warga</b>" in run_tool("pdftotext", bytes(document.content), after=("-",))
    assert client.get(f"/verifikasi/{document.code}/unduh/").status_code == 404
    login(client, personas.citizen)
    assert client.get(f"/verifikasi/{document.code}/unduh/").status_code == 200
    assert document.number in client.get("/akun/dokumen/").content.decode()
    assert "Sertifikat" in client.get(f"/verifikasi/{document.code}/").content.decode()
