"""Every approval issues its signed decision letter; signing that fails issues nothing and approves nothing."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError

from simpul.cases.actions import perform
from simpul.cases.constants import CaseStatus
from simpul.cases.tests.factories import ktp_service
from simpul.core.models import AuditEntry
from simpul.core.pdf import ARCHIVE_NS
from simpul.documents.models import Delegation, Document, LetterTemplate, NumberCounter, Signer
from simpul.documents.signing import SigningBackend, SigningError, registry
from simpul.documents.tests.factories import case_in_review, letterhead
from simpul.documents.tests.pdftools import run_tool
from simpul.documents.verification import signature_ok, signature_status, upload_check


@pytest.fixture
def case(personas):
    letterhead(personas.dukcapil)
    return case_in_review(personas)


def approve(case, actor, **params):
    perform(case, "approve", actor, **params)
    return Document.objects.get(case=case)


def test_approval_issues_a_numbered_signed_letter_with_its_hash_in_the_audit_log(case, personas):
    document = approve(case, personas.officer, note="Silakan ambil KTP-el di kantor.")
    case.refresh_from_db()
    assert case.status == CaseStatus.SELESAI
    assert document.number == f"400.12/1/DISDUKCAPIL/{document.issued_at.year}"
    assert document.holder == personas.citizen and document.holder_initials == "S. W."
    assert document.signer_name == "Kepala Dukcapil" and not document.certified
    entry = AuditEntry.objects.get(action="documents.document_issue")
    assert entry.changes["sha256"] == document.sha256 and entry.changes["number"] == document.number


def test_the_letter_signature_validates_covers_the_whole_file_and_chains_to_the_regency_ca(case, personas):
    content = bytes(approve(case, personas.officer).content)
    status = signature_status(content)
    assert status is not None and status.trusted and signature_ok(status)
    assert status.signing_cert.subject.native["common_name"].endswith("document signing")
    out = run_tool("pdfsig", content, "-nocert")
    assert "Total document signed" in out and "Signature is Valid" in out and "ETSI.CAdES.detached" in out


def test_one_changed_byte_is_detected_by_pdfsig_and_pyhanko(case, personas):
    document = approve(case, personas.officer)
    content = bytearray(document.content)
    where = bytes(content).index(b"/Producer") + 3  # inside the signed range, not the signature's own bytes
    content[where] = ord("X") if content[where] != ord("X") else ord("Y")
    tampered = bytes(content)
    assert "Signature is Valid" not in run_tool("pdfsig", tampered, "-nocert")
    check = upload_check(document=document, content=tampered)
    assert not check.same_file and not check.signature_valid


def test_the_letter_is_tagged_pdf_a_3_with_its_archive_metadata(case, personas):
    LetterTemplate.objects.create(service=case.service_version.service, subject="Penerbitan KTP-el",
                                  body="Permohonan {nama} ({nomor_registrasi}) disetujui.",
                                  classification_code="400.12.2.1", security="Biasa",
                                  retention="2 tahun aktif, 3 tahun inaktif, musnah")
    content = bytes(approve(case, personas.officer).content)
    assert "Tagged:          yes" in run_tool("pdfinfo", content)
    assert 'pdfaid:part="3"' in run_tool("pdfinfo", content, "-meta")
    with pikepdf.open(io.BytesIO(content)) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "3A"
        assert meta[f"{{{ARCHIVE_NS}}}klasifikasi"] == "400.12.2.1"
        assert meta[f"{{{ARCHIVE_NS}}}keamanan"] == "Biasa"
        assert meta[f"{{{ARCHIVE_NS}}}retensi"] == "2 tahun aktif, 3 tahun inaktif, musnah"


def test_the_letter_shows_letterhead_body_delegation_tembusan_and_that_it_is_not_a_certified_tte(case, personas):
    head = Signer.objects.get(user=personas.head)
    Signer.objects.create(user=personas.officer, agency=personas.dukcapil, nip="198503032010012003",
                          jabatan="Sekretaris Dinas", delegation=Delegation.AN, on_behalf_of=head)
    LetterTemplate.objects.create(service=case.service_version.service, subject="Penerbitan KTP-el",
                                  body="Permohonan {nama} untuk {layanan} disetujui. <b>{tidak_dikenal}</b>",
                                  tembusan="Camat Sekayu\nArsip")
    text = " ".join(run_tool("pdftotext", bytes(approve(case, personas.officer).content), "-layout", after=("-",)).split())
    assert "PEMERINTAH KABUPATEN MUSI BANYUASIN" in text and "Sekayu," in text
    assert "Permohonan Siti Warga untuk Penggantian KTP-el disetujui. <b>{tidak_dikenal}</b>" in text
    assert "a.n. Kepala Dinas Dukcapil, Sekretaris Dinas," in text and "NIP 198503032010012003" in text
    assert "Camat Sekayu" in text and "Bukan tanda tangan elektronik tersertifikasi (TTE) BSrE." in text


class FailingBackend(SigningBackend):
    name = "local"

    def sign(self, pdf, **kwargs):
        raise SigningError("Layanan tanda tangan tidak menjawab.")


def test_signing_that_fails_approves_nothing_issues_nothing_and_says_why(case, personas):
    with registry.override("local", FailingBackend), pytest.raises(ValidationError) as caught:
        perform(case, "approve", personas.officer)
    assert "Layanan tanda tangan tidak menjawab." in " ".join(caught.value.messages)
    assert "tidak disetujui" in " ".join(caught.value.messages)
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIKASI
    assert not Document.objects.exists() and not NumberCounter.objects.filter(last__gt=0).exists()


def test_an_office_without_a_signer_cannot_approve(case, personas):
    Signer.objects.filter(agency=personas.dukcapil).delete()
    with pytest.raises(ValidationError) as caught:
        perform(case, "approve", personas.officer)
    assert caught.value.code == "no_signer"
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIKASI and not Document.objects.exists()


def test_numbers_run_per_office_and_year_without_gaps(personas):
    letterhead(personas.dukcapil)
    version = ktp_service(personas.dukcapil)
    numbers = []
    for i in range(3):
        document = approve(case_in_review(personas, key=f"n-{i}", version=version), personas.officer)
        numbers.append(document.number.split("/")[1])
    assert numbers == ["1", "2", "3"]
