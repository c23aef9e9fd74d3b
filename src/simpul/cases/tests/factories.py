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

def pdf_bytes(*objects: bytes, catalog: bytes = b"", page: bytes = b"", header: bytes = b"%PDF-1.4\n",
              tail: bytes = b"") -> bytes:
    """A small well-formed PDF (one blank page, a correct cross-reference table) written byte by byte, so a test
    can put any raw syntax in it: `catalog` and `page` go into those dictionaries, `objects` are objects 4, 5...
    """
    body = [b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R" + page + b">>", *objects]
    out = bytearray(header)
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out) + tail


PDF_BYTES = pdf_bytes()


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
