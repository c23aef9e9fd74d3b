"""PDF documents of a case: the applicant's receipt (tanda terima, with a QR code of the tracking page) and
the generated decision letter an officer may attach when approving. Both are rendered by
`simpul.core.pdf.pdf_render` (tagged PDF/UA-1; the letter, kept as the record of the decision, PDF/A-3a as
well); segno draws the QR code as inline SVG (no network, no external files).

What a receipt is called depends on the case's kind (`simpul.cases.wording`); the portal's receipt and the village
operator's printed one (`simpul.backoffice.operator`) both ask `receipt_wording`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.utils import timezone, translation

from simpul.cases.business import business_for_case
from simpul.cases.selectors import case_documents
from simpul.cases.wording import CaseWording, case_wording
from simpul.catalog.forms_engine import document_specs
from simpul.core.pdf import PdfMetadata, pdf_render
from simpul.core.registry import Registry
from simpul.regions.national import home_kabupaten


def receipt_wording(case: Any) -> CaseWording:
    """What the receipt of this case is called: "Tanda terima pengaduan" for a complaint, and so on (the
    case's words, `simpul.cases.wording`)."""
    return case_wording(case)


def receipt_metadata(case: Any) -> PdfMetadata:
    """The receipt's title (its heading and the reference), author (the office) and subject (the service)."""
    return PdfMetadata(title=f"{receipt_wording(case).title} {case.reference}", author=case.agency.name,
                       subject=case.service_version.name)


def documents_received(case: Any) -> list[tuple[str, str]]:
    """(what it is, file name) of each document the applicant handed in, in the form's own words (not codes)."""
    english = (translation.get_language() or "id").startswith("en")
    labels = {spec["code"]: (spec["label_en"] if english and spec["label_en"] else spec["label_id"]) or spec["code"]
              for spec in document_specs(case.service_version)}
    return [(labels.get(d.spec_code, d.spec_code), d.original_name)
            for d in case_documents(case) if not d.is_result]


def receipt_context(*, case: Any, tracking_url: str, pin: str = "") -> dict[str, Any]:
    """What a receipt prints (also the signed one, `documents/receipt_pdf.html`, which never gets the PIN)."""
    return {
        "case": case, "pin": pin, "tracking_url": tracking_url, "wording": receipt_wording(case),
        "documents": documents_received(case), "agency": case.agency, "sms_number": settings.SIMPUL_SMS_NUMBER,
        "follow": str(receipt_wording(case).receipt_follow).format(url=tracking_url),
        "qr_svg": segno.make(tracking_url, error="m").svg_data_uri(scale=4, border=2),
        "regency": home_kabupaten().name, "printed_at": timezone.localtime(),
        "business": business_for_case(case=case),
    }


def receipt_pdf(*, case: Any, tracking_url: str, pin: str = "", language: str | None = None) -> bytes:
    """The receipt: the office's heading and address, reference, (PIN when just submitted), service, the
    documents received, submission and due dates (times with their zone, WIB), QR code."""
    with translation.override(language or translation.get_language() or "id"):
        return pdf_render(template="cases/receipt_pdf.html", metadata=receipt_metadata(case),
                          context=receipt_context(case=case, tracking_url=tracking_url, pin=pin))


# Who issues the signed receipt of a service that signs receipts (`Service.signs_receipt`): `simpul.documents`
# registers one in its AppConfig.ready(); called as f(case=, actor=, tracking_url=) -> PDF bytes or None.
signed_receipts: Registry[Callable[..., bytes | None]] = Registry("signed receipt issuer")


def receipt_download(*, case: Any, tracking_url: str, pin: str = "", actor: Any = None) -> tuple[bytes, bool]:
    """The receipt a holder downloads, and whether it is the signed one: the signed document for services that
    sign receipts (without the PIN: the PIN stays on the confirmation page), else the receipt drawn now."""
    if case.service_version.service.signs_receipt:
        for _name, issue in signed_receipts.items():
            signed = issue(case=case, actor=actor, tracking_url=tracking_url)
            if signed is not None:
                return signed, True
    return receipt_pdf(case=case, tracking_url=tracking_url, pin=pin), False
