"""The decision letter as naskah dinas: letterhead, number, place and date, addressee, the service's body with its
placeholders filled in safely, the signature block (with a.n./u.b.), tembusan, QR code and verification code.

A stored body is text, never a template: `body_render` replaces only the named placeholders of `PLACEHOLDERS`,
escapes every value, and leaves any other brace as written (an administrator's typo shows on the letter instead
of running code).
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from typing import Any

import segno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.generic import IndirectObject
from pyhanko.pdf_utils.reader import PdfFileReader

from simpul.documents.models import Delegation, Letterhead, LetterTemplate, Signer
from simpul.documents.signing import SignatureBox

PLACEHOLDERS = ("nama", "layanan", "nomor_registrasi", "tanggal_pengajuan", "kantor", "catatan")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# The visible signature's place: the element with this id (WeasyPrint writes it as a named destination).
SIGNATURE_ANCHOR = "tanda-tangan"
MM = 72 / 25.4
SIGNATURE_WIDTH_MM = 80
SIGNATURE_HEIGHT_MM = 18


def default_body() -> str:
    return _("Based on the application of {nama} with registration number {nomor_registrasi}, submitted on "
             "{tanggal_pengajuan}, for the service {layanan}, {kantor} decides that the application is approved."
             "\n\n{catatan}")


def body_render(body: str, values: dict[str, str]) -> SafeString:
    """`body` with its placeholders replaced by the escaped `values`, as HTML paragraphs."""
    text = escape(body)
    filled = _PLACEHOLDER.sub(lambda m: escape(values.get(m.group(1), "")), text)
    return mark_safe(linebreaks(filled.strip(), autoescape=False))  # noqa: S308 -- every part escaped above


@dataclass(frozen=True)
class SignatureLines:
    """The lines above the signature: "a.n. Kepala Dinas", "Sekretaris", "u.b.", then the signer's jabatan."""

    lines: tuple[str, ...]
    name: str
    nip: str


def signature_lines(signer: Signer) -> SignatureLines:
    lines: list[str] = []
    if signer.delegation == Delegation.AN and signer.on_behalf_of:
        lines += [f"a.n. {signer.on_behalf_of.jabatan}"]
    elif signer.delegation == Delegation.UB and signer.on_behalf_of:
        middle = signer.on_behalf_of
        if middle.on_behalf_of:
            lines += [f"a.n. {middle.on_behalf_of.jabatan}"]
        lines += [middle.jabatan, "u.b."]
    lines.append(signer.jabatan)
    return SignatureLines(lines=tuple(lines), name=signer.user.full_name or str(signer.user), nip=signer.nip)


def initials(name: str) -> str:
    """"Siti Aminah" -> "S. A." (what the verification page shows of the holder)."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part[:1].isalpha())[:20]


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=3, border=1))


def logo_data_uri(letterhead: Letterhead | None) -> str:
    if letterhead is None or not letterhead.logo:
        return ""
    with letterhead.logo.open("rb") as handle:
        data = handle.read(512 * 1024)
    kind = "image/svg+xml" if (letterhead.logo.name or "").lower().endswith(".svg") else "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def issue_context(*, agency: Any, letterhead: Letterhead | None, number: str, code: str, verify_url: str,
                  signer: Signer, certified: bool) -> dict[str, Any]:
    """What every issued document prints (`simpul.documents.services.document_issue`): letterhead, logo, number,
    date, signature lines, the verification code, URL and QR code, and whether the signature is certified."""
    return {
        "letterhead": letterhead, "agency": agency, "number": number, "code": code, "verify_url": verify_url,
        "today": timezone.localdate(), "signature": signature_lines(signer), "certified": certified,
        "qr_svg": qr_data_uri(verify_url), "logo": logo_data_uri(letterhead), "signature_anchor": SIGNATURE_ANCHOR,
    }


def decision_context(*, case: Any, template: LetterTemplate | None, note: str) -> dict[str, Any]:
    """What a decision letter prints besides `issue_context`: addressee, subject, the body and tembusan."""
    letterhead = Letterhead.objects.filter(agency=case.agency_id).first()
    values = {
        "nama": case.applicant_name or "-", "layanan": case.service_version.name, "nomor_registrasi": case.reference,
        "tanggal_pengajuan": date_format(timezone.localtime(case.submitted_at), "DATE_FORMAT"),  # 5 Desember 2026
        "kantor": letterhead.office_name if letterhead else case.agency.name, "catatan": note,
    }
    return {
        "case": case,
        "subject": template.subject if template else _("Decision on the application for {service}").format(
            service=case.service_version.name),
        "body": body_render(template.body if template else default_body(), values),
        "tembusan": [line.strip() for line in (template.tembusan if template else "").splitlines() if line.strip()],
    }


def signature_box(pdf: bytes) -> SignatureBox | None:
    """Where the letter printed its signature block: the named destination WeasyPrint wrote for the anchor."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    names = reader.root.get("/Names")
    if names is None or "/Dests" not in names:
        return None
    flat = list(names["/Dests"].get("/Names", []))
    for key, target in zip(flat[::2], flat[1::2], strict=False):
        if str(key) != SIGNATURE_ANCHOR:
            continue
        destination = target.get_object() if isinstance(target, IndirectObject) else target
        page_ref, left, top = destination.raw_get(0), float(destination[2]), float(destination[3])
        kids = reader.root["/Pages"]["/Kids"]  # WeasyPrint writes one flat page list
        refs = [kids.raw_get(i) for i in range(len(kids))]
        page = next((i for i, ref in enumerate(refs) if getattr(ref, "idnum", None) == getattr(page_ref, "idnum", -1)),
                    len(refs) - 1)
        return SignatureBox(page=page, box=(int(left), int(top - SIGNATURE_HEIGHT_MM * MM),
                                            int(left + SIGNATURE_WIDTH_MM * MM), int(top)))
    return None
