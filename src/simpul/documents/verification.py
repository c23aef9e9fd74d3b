"""Checking a PDF someone holds against what was issued: is it byte for byte the issued file, and does its signature
validate (pyHanko's validator, the regency CA as the only trust root, the CA's CRL for revocation, no network)?

Hostile files get an answer, not an error page: too large, not a PDF, unreadable or built to exhaust the reader (a
"PDF bomb": the check stops at `MAX_REVISIONS` revisions and `MAX_SIGNATURES` signatures, and the file size is
capped before anything is read).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from simpul.documents.ca import ca_files
from simpul.documents.models import Document
from simpul.documents.signing.local import load_certificate

logger = logging.getLogger(__name__)

MAX_REVISIONS = 8
MAX_SIGNATURES = 4


class Refusal(StrEnum):
    TOO_LARGE = "too_large"
    NOT_PDF = "not_pdf"
    UNREADABLE = "unreadable"


REFUSAL_TEXT = {
    Refusal.TOO_LARGE: _("The file is too large to check. Issued letters are much smaller; is this the right file?"),
    Refusal.NOT_PDF: _("This file is not a PDF. Upload the PDF file of the letter."),
    Refusal.UNREADABLE: _("This PDF could not be read. It is damaged or was not made by Simpul."),
}


@dataclass(frozen=True)
class UploadCheck:
    """The answer of the verification page to an uploaded file."""

    same_file: bool = False
    signed: bool = False  # it has a signature at all
    signature_valid: bool = False  # intact, covering the whole file, by a certificate of the regency CA
    refusal: str = ""

    @property
    def refusal_text(self) -> str:
        return str(REFUSAL_TEXT[Refusal(self.refusal)]) if self.refusal else ""


def validation_context() -> ValidationContext:
    """The regency CA as the only trust root, with its CRL; never the network."""
    files = ca_files()
    crls = [files.crl.read_bytes()] if files.crl.exists() else []
    return ValidationContext(trust_roots=[load_certificate(files.ca_cert)], crls=crls, allow_fetching=False,
                             revocation_mode="soft-fail")


def signature_status(content: bytes) -> PdfSignatureStatus | None:
    """The last signature of `content`, validated; None when the file has no signature. Raises ValueError for a
    file too complex to check."""
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    if reader.xrefs.total_revisions > MAX_REVISIONS:
        raise ValueError("too many revisions")
    signatures = reader.embedded_signatures
    if not signatures:
        return None
    if len(signatures) > MAX_SIGNATURES:
        raise ValueError("too many signatures")
    return validate_pdf_signature(signatures[-1], signer_validation_context=validation_context())


def signature_ok(status: PdfSignatureStatus | None) -> bool:
    """Intact, cryptographically valid, trusted (the chain ends at the regency CA) and covering the whole file."""
    if status is None:
        return False
    return bool(status.intact and status.valid and status.trusted and status.coverage is not None
                and status.coverage.name == "ENTIRE_FILE")


def upload_check(*, document: Document, content: bytes) -> UploadCheck:
    if len(content) > settings.DOCUMENTS_VERIFY_MAX_BYTES:
        return UploadCheck(refusal=Refusal.TOO_LARGE)
    if not content.lstrip()[:5].startswith(b"%PDF-"):
        return UploadCheck(refusal=Refusal.NOT_PDF)
    same = hashlib.sha256(content).hexdigest() == document.sha256
    try:
        status = signature_status(content)
    except Exception as exc:
        logger.info("uploaded PDF not checked: %s", type(exc).__name__)
        return UploadCheck(same_file=same, refusal="" if same else Refusal.UNREADABLE)
    return UploadCheck(same_file=same, signed=status is not None, signature_valid=signature_ok(status))
