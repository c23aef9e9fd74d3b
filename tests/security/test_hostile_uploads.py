"""A corpus of hostile uploads against the case document checks (simpul.cases.documents.document_check) and
through the public API (`POST /api/v1/cases/`): each is refused with a clear message (or, for images, defused by
re-encoding), never a 5xx, and nothing is stored when refused.
"""

from __future__ import annotations

import base64
import functools
import io
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from simpul.cases.documents import document_check
from simpul.cases.models import Case
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service, png_bytes
from simpul.clients.services import api_client_create, api_key_issue

pytestmark = pytest.mark.django_db

SPEC = {"code": "kk", "types": ["pdf", "jpg", "png"], "max_bytes": 2 * 1024 * 1024}
SCRIPT = b"<script>alert(document.cookie)</script>"


@functools.cache
def zip_bomb() -> bytes:
    """A ZIP whose one member inflates to 50 MB of zeros (~50 KB on the wire)."""
    out = io.BytesIO()
    with (zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
          archive.open("bom.txt", "w", force_zip64=True) as member):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(50):
            member.write(chunk)
    return out.getvalue()


def png_with_huge_dimensions(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares 10 gigapixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def jpeg_with_script() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue() + SCRIPT


def pdf_zip_polyglot() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", SCRIPT)
    return PDF_BYTES + out.getvalue()


REFUSED = {
    "zip bomb named .pdf": ("kk.pdf", zip_bomb),
    "zip bomb named .zip": ("kk.zip", zip_bomb),
    "Windows executable named .pdf": ("kk.pdf", lambda: b"MZ\x90\x00" + b"\0" * 200),
    "PNG content named .pdf, PDF-only spec": ("kk.pdf", png_bytes),
    "HTML named .jpg": ("kk.jpg", lambda: b"<html><body>" + SCRIPT + b"</body></html>"),
    "decompression bomb (100,000 x 100,000 PNG)": ("kk.png", png_with_huge_dimensions),
}


@pytest.mark.parametrize("label", list(REFUSED))
def test_document_check_refuses(label):
    name, make = REFUSED[label]
    spec = {**SPEC, "types": ["pdf"]} if "PDF-only" in label else SPEC
    with pytest.raises(ValidationError) as info:
        document_check(upload=make(), spec=spec, name=name)
    message = " ".join(info.value.messages)
    assert name in message or "kk" in message, message  # the message names the file the user chose


def test_jpeg_with_an_appended_script_is_defused_by_reencoding():
    checked = document_check(upload=jpeg_with_script(), spec=SPEC, name="foto.jpg")
    assert SCRIPT not in checked.content
    assert checked.content.startswith(b"\xff\xd8\xff")


def test_pdf_zip_polyglot_is_refused():
    with pytest.raises(ValidationError) as refused:
        document_check(upload=pdf_zip_polyglot(), spec=SPEC, name="kk.pdf")
    assert "kk.pdf" in str(refused.value)


def test_pdf_with_an_archive_hidden_before_a_final_eof_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", SCRIPT)
        archive.comment = b"%%EOF"
    with pytest.raises(ValidationError):
        document_check(upload=PDF_BYTES + out.getvalue(), spec=SPEC, name="kk.pdf")


def test_pdf_with_an_incremental_update_and_trailing_newlines_is_accepted():
    update = b"\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\r\n\n"
    assert document_check(upload=PDF_BYTES + update, spec=SPEC, name="kk.pdf").size > 0


def test_a_10000_character_name_is_shortened_and_keeps_no_path():
    checked = document_check(upload=PDF_BYTES, spec=SPEC, name="a" * 10_000 + ".pdf")
    assert len(checked.original_name) <= 120
    assert checked.original_name.endswith(".pdf")


@pytest.mark.parametrize("name", ["../../../../etc/passwd.pdf", "..\\..\\windows\\system32\\kk.pdf",
                                  "/var/lib/simpul/media/kk.pdf", "kk\x00.pdf.exe"])
def test_path_traversal_in_the_name_is_stripped(name):
    try:
        checked = document_check(upload=PDF_BYTES, spec=SPEC, name=name)
    except ValidationError:
        return  # refusing is fine too
    assert "/" not in checked.original_name and "\\" not in checked.original_name
    assert ".." not in checked.original_name
    assert checked.original_name.endswith(".pdf")


# -- through the API: no 5xx, nothing stored -----------------------------------------------------------------------


@pytest.fixture
def api(personas):
    ktp_service(personas.dukcapil)
    row = api_client_create(name="Kios uji", scopes=["cases:intake"])
    _key, secret = api_key_issue(client=row)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


API_CORPUS = {
    "zip bomb": ("kk.pdf", zip_bomb),
    "executable": ("kk.pdf", lambda: b"MZ\x90\x00" + b"\0" * 200),
    "decompression bomb": ("kk.png", png_with_huge_dimensions),
    "10,000-character name": ("a" * 10_000 + ".pdf", lambda: PDF_BYTES),
    "HTML named .jpg": ("kk.jpg", lambda: b"<html>" + SCRIPT),
}


@pytest.mark.parametrize("label", list(API_CORPUS))
def test_api_refuses_hostile_uploads_cleanly_and_stores_nothing(label, api, settings):
    name, make = API_CORPUS[label]
    body = {"service": "ktp-el-penggantian", "answers": dict(VALID_ANSWERS),
            "documents": [{"code": "kk", "filename": name, "content_base64": base64.b64encode(make()).decode()}]}
    response = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json().get("errors"), response.content[:300]
    assert Case.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
