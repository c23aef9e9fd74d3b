"""A case's PDFs as the applicant and the office get them: the receipt is named after the case's kind
("Tanda terima pengaduan" for a complaint), tagged PDF/UA-1 in the page's language; the decision letter is
archival PDF/A-3a in Indonesian."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from simpul.cases.constants import CaseKind
from simpul.cases.intake import case_submit
from simpul.cases.tests.complaints import COMPLAINT, REPORTER, inspektorat, kependudukan, portal_complaint
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login
from simpul.core.tests.pdfchecks import assert_accessible_pdf, weasyprint_complaints

__all__ = ["inspektorat", "kependudukan"]  # fixtures


@pytest.fixture
def application(personas: Any) -> Any:
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       applicant=personas.citizen, idempotency_key="receipt-1").case


def _receipt(client: Any, case: Any) -> bytes:
    response = client.get(reverse("cases:track_receipt", kwargs={"reference": case.reference}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_an_application_receipt_is_an_accessible_pdf_titled_as_an_application(client, personas, application,
                                                                               caplog):
    login(client, personas.citizen)
    facts = assert_accessible_pdf(_receipt(client, application),
                                  title=f"Tanda terima permohonan {application.reference}", lang="id")
    assert facts.info["Author"] == "Dinas Administrasi Kependudukan dan Pencatatan Sipil"
    assert facts.info["Subject"] == application.service_version.name
    assert f"Tanda terima permohonan {application.reference} Layanan" in facts.text
    assert "Pemohon Siti Warga" in facts.text
    assert weasyprint_complaints(caplog) == []


def test_a_complaint_receipt_is_titled_as_a_complaint_receipt(client, personas, kependudukan, caplog):
    case, _pin = portal_complaint(client, kependudukan, first={**COMPLAINT, "complaint_topic": "layanan"},
                                  reporter={**REPORTER, "anonymous": "no", "confidential": "no"})
    assert case.kind == CaseKind.COMPLAINT
    facts = assert_accessible_pdf(_receipt(client, case), title=f"Tanda terima pengaduan {case.reference}",
                                  lang="id")
    assert f"Tanda terima pengaduan {case.reference}" in facts.text
    assert "Pelapor Rahmat Pelapor" in facts.text
    assert "permohonan" not in facts.info["Title"]
    assert weasyprint_complaints(caplog) == []


def test_the_receipt_is_in_the_language_of_the_page(client, personas, application):
    login(client, personas.citizen)
    with translation.override("en"):
        url = reverse("cases:track_receipt", kwargs={"reference": application.reference})
    assert url.startswith("/en/")
    response = client.get(url)
    assert response.status_code == 200
    facts = assert_accessible_pdf(response.content, title=f"Application receipt {application.reference}", lang="en")
    assert "Applicant Siti Warga" in facts.text


