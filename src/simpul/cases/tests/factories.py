"""Test helpers of the cases app: a published KTP-el service, valid answers, small real files."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from simpul.catalog.tests.factories import make_service

VALID_ANSWERS: dict[str, Any] = {
    "nik": "1606014101900001",
    "full_name": "Siti Warga",
    "village": "16.06.01.2001",
    "phone": "081234567890",
    "reason": "damaged",
    "notes": "KTP patah",
}

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (32, 32), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_upload(name: str = "kk.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_upload(name: str = "kk.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def ktp_service(agency: Any, **overrides: Any) -> Any:
    return make_service(agency=agency, **overrides)
