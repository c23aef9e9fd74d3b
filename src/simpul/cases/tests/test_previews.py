"""Previews of uploaded documents before sending: a picture the server drew, for the draft's owner only, never the
uploaded bytes."""

from __future__ import annotations

import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.cases.models import Draft
from simpul.cases.tests.factories import PDF_BYTES, ktp_service, pdf_bytes, png_bytes
from simpul.conftest import login, make_user

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DOCUMENTS = [
    {"code": "photo", "label_id": "Foto KK", "label_en": "Family card photo", "required": True,
     "types": ["jpg", "png"]},
    {"code": "letter", "label_id": "Surat pengantar", "label_en": "Cover letter", "required": False,
     "types": ["pdf"]},
]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
PDF_JS = pdf_bytes(b"<</S/JavaScript/JS(app.alert(1))>>", catalog=b"/OpenAction 4 0 R")
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) missing")


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil, documents=DOCUMENTS)


def _draft_with_files(client, version):
    start = client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    assert start.status_code == 302
    draft = Draft.objects.order_by("-pk").first()
    url = reverse("cases:apply_documents", kwargs={"code": version.service.code, "token": draft.token})
    client.post(url, {"photo": SimpleUploadedFile("kk.png", png_bytes((800, 600)), content_type="image/png"),
                      "letter": SimpleUploadedFile("surat.pdf", PDF_BYTES, content_type="application/pdf"),
                      "save": "1", "idempotency_key": draft.idempotency_key})
    draft.refresh_from_db()
    assert set(draft.documents) == {"photo", "letter"}
    return draft


def _preview(client, version, draft, document):
    return client.get(reverse("cases:apply_preview", kwargs={"code": version.service.code, "token": draft.token,
                                                             "document": document}))


def _assert_safe_png(response, *, not_bytes):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.content.startswith(PNG_MAGIC)
    assert not_bytes not in response.content


def test_owner_sees_a_server_drawn_thumbnail_on_documents_and_review(client, personas, version):
    login(client, personas.citizen)
    draft = _draft_with_files(client, version)
    preview_url = reverse("cases:apply_preview", kwargs={"code": version.service.code, "token": draft.token,
                                                        "document": "photo"})
    for name in ("cases:apply_documents", "cases:apply_review"):
        body = client.get(reverse(name, kwargs={"code": version.service.code, "token": draft.token})).content.decode()
        assert f'src="{preview_url}?v=' in body
        assert 'alt="Pratinjau kk.png"' in body
        assert "surat.pdf · 1 halaman ·" in body
    response = _preview(client, version, draft, "photo")
    _assert_safe_png(response, not_bytes=b"\x00" * 64)
    import io

    from PIL import Image

    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) == 360  # a thumbnail, not the stored photo (800 x 600)


@needs_pdftoppm
def test_pdf_preview_is_its_first_page_as_png(client, personas, version):
    login(client, personas.citizen)
    draft = _draft_with_files(client, version)
    _assert_safe_png(_preview(client, version, draft, "letter"), not_bytes=b"%PDF")


def test_another_citizen_and_an_anonymous_visitor_get_404(client, personas, version):
    login(client, personas.citizen)
    draft = _draft_with_files(client, version)
    assert _preview(client, version, draft, "photo").status_code == 200
    other = Client()
    login(other, make_user("other-citizen@test.simpul", Role.CITIZEN, full_name="Warga Lain"))
    assert _preview(other, version, draft, "photo").status_code == 404
    assert _preview(Client(), version, draft, "photo").status_code == 404
    assert _preview(client, version, draft, "nothing-here").status_code == 404


@pytest.mark.parametrize(("name", "content", "code"), [
    ("gambar.svg", SVG, "photo"), ("foto.jpg", HTML, "photo"), ("surat.pdf", PDF_JS, "letter"),
])
def test_hostile_upload_is_refused_and_has_no_preview(client, personas, version, name, content, code):
    login(client, personas.citizen)
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    draft = Draft.objects.get()
    url = reverse("cases:apply_documents", kwargs={"code": version.service.code, "token": draft.token})
    response = client.post(url, {code: SimpleUploadedFile(name, content), "idempotency_key": draft.idempotency_key})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert code not in (draft.documents or {})
    assert _preview(client, version, draft, code).status_code == 404


@pytest.mark.parametrize(("kind", "content"), [("png", SVG), ("jpg", HTML), ("pdf", PDF_JS)])
def test_hostile_bytes_in_storage_never_come_back_as_themselves(client, personas, version, kind, content):
    """Even a file that reached the storage some other way is only ever drawn, never served."""
    login(client, personas.citizen)
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}) + "?baru=1")
    draft = Draft.objects.get()
    stored = default_storage.save(f"drafts/xx/hostile.{kind}", ContentFile(content))
    draft.documents = {"photo": {"original_name": f"x.{kind}", "kind": kind, "content_type": "image/png",
                                 "sha256": "0" * 64, "stored_name": stored, "size": len(content)}}
    draft.save(update_fields=["documents"])
    response = _preview(client, version, draft, "photo")
    if response.status_code == 200:
        _assert_safe_png(response, not_bytes=content[:24])
        assert b"<script" not in response.content and b"JavaScript" not in response.content
    else:
        assert response.status_code == 404
    default_storage.delete(stored)
