"""PDF documents of a case: the applicant's receipt (tanda terima, with a QR code of the tracking page) and
the generated decision letter an officer may attach when approving. WeasyPrint renders HTML templates;
segno draws the QR code as inline SVG (no network, no external files)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from simpul.regions.national import home_kabupaten


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.STATIC_ROOT)).write_pdf()


def receipt_pdf(*, case: Any, tracking_url: str, pin: str = "", language: str | None = None) -> bytes:
    """The receipt: reference, (PIN when just submitted), service, agency, submission and due dates, QR code."""
    qr = segno.make(tracking_url, error="m")
    with translation.override(language or translation.get_language() or "id"):
        return _pdf("cases/receipt_pdf.html", {
            "case": case, "pin": pin, "tracking_url": tracking_url,
            "qr_svg": qr.svg_data_uri(scale=4, border=2),
            "regency": home_kabupaten().name, "printed_at": timezone.localtime(),
        })


def decision_letter_pdf(*, case: Any, actor: Any, note: str = "") -> bytes:
    """A plain decision letter stating that the application was approved, signed by the agency."""
    with translation.override("id"):
        return _pdf("cases/letter_pdf.html", {
            "case": case, "actor": actor, "note": note, "regency": home_kabupaten().name,
            "today": timezone.localdate(),
        })
