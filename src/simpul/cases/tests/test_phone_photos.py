"""A citizen photographs the family card with a phone (4000 x 3000, about 4 MB, GPS in its EXIF) for the 2 MB card
of the KTP-el replacement: the plain form (no JavaScript) and the chunked upload (the page's script) both take it
and keep it small, upright and without the position of the house; each refusal is in the page's language, in the
error summary, tied to its field."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from simpul.cases.models import Draft
from simpul.cases.tests.factories import PDF_BYTES
from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from simpul.core.files import document_open
from simpul.core.tests.photos import phone_photo

pytestmark = pytest.mark.django_db

CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
MB = 1024 * 1024
PDF_TOO_LARGE_ID = ("Berkas scan-kk.pdf terlalu besar (2,9 MB); paling besar 2 MB. Pilih berkas yang lebih kecil, "
                    "atau foto dokumennya dengan HP lalu unggah fotonya.")


@pytest.fixture
def draft(client: Any, personas: Any, settings: Any, tmp_path: Path) -> Draft:  # noqa: F811 - shared fixture
    from simpul.catalog.services import service_import_yaml

    settings.VAR_DIR = tmp_path
    service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)
    assert client.get(reverse("cases:apply_start", kwargs={"code": "ktp-el-penggantian"})).status_code == 302
    return Draft.objects.latest("id")


def _documents_url(draft: Draft) -> str:
    return reverse("cases:apply_documents", kwargs={"code": "ktp-el-penggantian", "token": draft.token})


def _scan(size: int) -> bytes:
    body = PDF_BYTES + b"%" + b"x" * (size - len(PDF_BYTES) - 8) + b"\n"
    return body + b"%%EOF\n"[: size - len(body)]


def _stored_photo(draft: Draft) -> tuple[Image.Image, bytes, dict[str, Any]]:
    draft.refresh_from_db()
    kept = draft.documents["kk"]
    with document_open(kept["stored_name"]) as handle:
        content = handle.read()
    image = Image.open(io.BytesIO(content))
    image.load()
    return image, content, kept


def _assert_small_upright_and_without_exif(image: Image.Image, content: bytes, kept: dict[str, Any]) -> None:
    assert image.size == (1500, 2000)  # upright (EXIF orientation 6) and 2000 px on the long side
    assert len(image.getexif()) == 0 and b"PhoneCam" not in content  # no camera, no GPS position
    assert kept["size"] == len(content) <= 2 * MB
    assert kept["content_type"] == "image/jpeg"


def test_a_phone_photo_goes_through_the_plain_form_small_upright_and_without_its_gps(client: Any,
                                                                                   draft: Draft) -> None:
    photo = phone_photo()
    assert len(photo) > 3 * MB
    response = client.post(_documents_url(draft), {
        "idempotency_key": draft.idempotency_key, "next": "1",
        "kk": SimpleUploadedFile("IMG_0930.jpg", photo, content_type="image/jpeg")})
    assert response.status_code == 302
    assert response["Location"].endswith("/periksa/")
    _assert_small_upright_and_without_exif(*_stored_photo(draft))


def test_a_phone_photo_goes_through_the_chunked_upload_the_same_way(client: Any, draft: Draft) -> None:
    photo = phone_photo()
    digest = hashlib.sha256(photo).hexdigest()
    opened = client.post("/api/v1/uploads/", json.dumps({
        "filename": "IMG_0930.jpg", "size": len(photo), "sha256": digest, "draft": draft.token, "document": "kk",
        "head": base64.b64encode(photo[:4096]).decode()}), content_type="application/json")
    assert opened.status_code == 201, opened.content
    upload = opened.json()
    for n in range(upload["chunks"]):
        part = photo[n * upload["chunk_size"]:(n + 1) * upload["chunk_size"]]
        sent = client.generic("PUT", f"/api/v1/uploads/{upload['id']}/chunks/{n}/", part,
                              content_type="application/octet-stream",
                              HTTP_X_CHUNK_SHA256=hashlib.sha256(part).hexdigest())
        assert sent.status_code == 204
    done = client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": digest, "draft": draft.token, "document": "kk"}), content_type="application/json")
    assert done.status_code == 200, done.content
    _assert_small_upright_and_without_exif(*_stored_photo(draft))


def test_the_documents_page_says_the_limits_and_ties_each_error_to_its_field(client: Any, draft: Draft) -> None:
    page = client.get(_documents_url(draft)).content.decode()
    assert "Foto (JPG, PNG) paling besar 15 MB, atau PDF paling besar 2 MB." in page
    field = re.search(r'<input type="file" id="doc_kk"[^>]*>', page).group(0)
    assert f'data-max-bytes="{2 * MB}"' in field and f'data-photo-max-bytes="{15 * MB}"' in field
    assert 'data-photo-too-large="Foto {name} terlalu besar ({size}); foto paling besar 15 MB.' in field
    assert 'aria-describedby="doc_kk_hint"' in field

    refused = client.post(_documents_url(draft), {
        "idempotency_key": draft.idempotency_key, "next": "1",
        "kk": SimpleUploadedFile("scan-kk.pdf", _scan(3_040_000), content_type="application/pdf")})
    assert refused.status_code == 400
    html = refused.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL).group(0)
    assert f'<li><a href="#doc_kk">{PDF_TOO_LARGE_ID}</a></li>' in summary
    assert f'<ul class="errorlist" id="doc_kk_err"><li>{PDF_TOO_LARGE_ID}</li></ul>' in html
    field = re.search(r'<input type="file" id="doc_kk"[^>]*>', html).group(0)
    assert 'aria-describedby="doc_kk_hint doc_kk_err"' in field


def test_the_upload_api_answers_in_the_language_of_the_page_not_of_a_language_cookie(client: Any,
                                                                                    draft: Draft) -> None:
    data = _scan(3_040_000)
    body = json.dumps({"filename": "scan-kk.pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                       "draft": draft.token, "document": "kk", "head": base64.b64encode(data[:4096]).decode()})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # left from an English page once visited
    indonesian = client.post("/api/v1/uploads/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="id")
    assert indonesian.status_code == 400
    assert indonesian.json()["detail"] == PDF_TOO_LARGE_ID
    assert indonesian.json()["errors"] == {"kk": [PDF_TOO_LARGE_ID]}
    english = client.post("/api/v1/uploads/", body, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,id;q=0.5")
    assert english.json()["detail"].startswith("The file scan-kk.pdf is too large (2.9 MB); at most 2 MB")


def test_the_correction_page_lists_a_refused_document_in_its_summary_tied_to_the_field(client: Any,
                                                                                     personas: Any) -> None:  # noqa: F811
    from simpul.cases.actions import case_request_revision, case_transition
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

    version = ktp_service(personas.dukcapil)
    result = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()}, applicant=None,
                         idempotency_key="photo-revise")
    case_transition(case=result.case, action="verify", actor=personas.officer)
    case_request_revision(case=result.case, actor=personas.officer, message="Foto KK buram")
    client.post(reverse("cases:track"), {"reference": result.case.reference, "pin": result.pin})
    data = {f"applicant-{k}": VALID_ANSWERS[k] for k in ("nik", "full_name", "village", "phone")}
    data.update({"reason-reason": "damaged", "reason-notes": "foto baru",
                 "kk": SimpleUploadedFile("kk-baru.pdf", b"MZ not a document", content_type="application/pdf")})
    html = client.post(reverse("cases:track_revise", kwargs={"reference": result.case.reference}), data).content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL).group(0)
    assert re.search(r'<li><a href="#doc_kk">Berkas kk-baru\.pdf tidak bisa dibuka sebagai [^<]+</a></li>', summary)
    field = re.search(r'<input type="file" id="doc_kk"[^>]*>', html).group(0)
    assert 'aria-describedby="doc_kk_hint doc_kk_err"' in field
