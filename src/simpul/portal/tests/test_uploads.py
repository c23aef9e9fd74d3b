"""Chunked uploads: parts checked by SHA-256, a missing or damaged part detected and resent, the assembled file
attached to the application draft through the normal document checks."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures

CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def service(personas: Any, settings: Any, tmp_path: Path) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    settings.VAR_DIR = tmp_path
    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


def _start_draft(client: Any) -> Any:
    """A draft started on the portal by this client's session (the session that may attach files to it)."""
    from simpul.cases.models import Draft

    assert client.get(reverse("cases:apply_start", kwargs={"code": "ktp-el-penggantian"})).status_code == 302
    return Draft.objects.latest("id")


@pytest.fixture
def draft(client: Any, service: Any) -> Any:
    return _start_draft(client)


def _photo(size: int = 600_000) -> bytes:
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(out, format="JPEG", quality=95)
    data = out.getvalue()
    assert len(data) > 256 * 1024
    return data


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(client: Any, upload: dict[str, Any], data: bytes, n: int, *, damage: bool = False) -> Any:
    part = data[n * upload["chunk_size"]:(n + 1) * upload["chunk_size"]]
    body = part[:-1] + bytes([part[-1] ^ 0xFF]) if damage else part  # flip the last byte: always a change
    return client.generic("PUT", f"/api/v1/uploads/{upload['id']}/chunks/{n}/", body,
                          content_type="application/octet-stream", HTTP_X_CHUNK_SHA256=_sha(part))


def _create(client: Any, data: bytes) -> dict[str, Any]:
    response = client.post("/api/v1/uploads/", json.dumps({"filename": "kk.jpg", "size": len(data),
                                                           "sha256": _sha(data)}), content_type="application/json")
    assert response.status_code == 201
    return response.json()


@pytest.mark.django_db
def test_a_dropped_and_a_damaged_part_are_detected_then_resumed(client: Any, draft: Any) -> None:
    data = _photo()
    upload = _create(client, data)
    assert upload["chunks"] >= 2
    assert _put(client, upload, data, 0).status_code == 204
    damaged = _put(client, upload, data, 1, damage=True)
    assert damaged.status_code == 422 and damaged.json()["chunk"] == 1
    # the link dropped: finalize refuses and says what is missing
    early = client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": _sha(data), "draft": draft.token, "document": "kk"}), content_type="application/json")
    assert early.status_code == 409
    status = client.get(f"/api/v1/uploads/{upload['id']}/").json()
    assert status["received"] == [0] and status["missing"] == list(range(1, upload["chunks"]))
    for n in status["missing"]:
        assert _put(client, upload, data, n).status_code == 204
    done = client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": _sha(data), "draft": draft.token, "document": "kk"}), content_type="application/json")
    assert done.status_code == 200, done.content
    draft.refresh_from_db()
    assert "kk" in draft.documents


@pytest.mark.django_db
def test_the_assembled_file_still_goes_through_the_document_checks(client: Any, draft: Any) -> None:
    data = b"MZ" + b"\0" * 300_000  # a program, not a document
    upload = _create(client, data)
    for n in range(upload["chunks"]):
        assert _put(client, upload, data, n).status_code == 204
    refused = client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": _sha(data), "draft": draft.token, "document": "kk"}), content_type="application/json")
    assert refused.status_code == 400
    draft.refresh_from_db()
    assert "kk" not in (draft.documents or {})


@pytest.mark.django_db
def test_bad_requests_are_refused_with_a_reason(client: Any, draft: Any) -> None:
    assert client.post("/api/v1/uploads/", "{}", content_type="application/json").status_code == 400
    too_big = {"filename": "x.pdf", "size": 50 * 1024 * 1024, "sha256": "0" * 64}
    assert client.post("/api/v1/uploads/", json.dumps(too_big), content_type="application/json").status_code == 400
    assert client.get("/api/v1/uploads/not-an-upload-id-at-all/").status_code == 404


@pytest.mark.django_db
def test_abandoned_uploads_are_purged_after_a_day(client: Any, draft: Any) -> None:
    import os
    import time

    from simpul.portal.uploads import _root, uploads_purge

    upload = _create(client, b"x" * 1000)
    folder = _root() / upload["id"]
    assert uploads_purge() == 0 and folder.exists()
    old = time.time() - 25 * 3600
    os.utime(folder / "meta.json", (old, old))
    assert uploads_purge() == 1 and not folder.exists()


@pytest.mark.django_db
def test_refusals_are_problem_details_with_stable_codes_in_indonesian(client: Any, draft: Any) -> None:
    data = _photo()
    upload = _create(client, data)
    unknown = client.get("/api/v1/uploads/not-an-upload-id-at-all/")
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert unknown.json()["code"] == "upload_not_found" and unknown.json()["detail"] == "Unggahan tidak ditemukan."
    assert unknown.json()["status"] == 404 and unknown.json()["title"] == "Tidak ditemukan"
    damaged = _put(client, upload, data, 0, damage=True).json()
    assert (damaged["code"], damaged["chunk"], damaged["status"]) == ("chunk_damaged", 0, 422)
    assert damaged["type"].endswith("/masalah/chunk_damaged/") and damaged["title"]  # the page of the code
    early = client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps({"draft": draft.token}),
                        content_type="application/json").json()
    assert early["code"] == "upload_incomplete" and early["missing"] == list(range(upload["chunks"]))
    invalid = client.post("/api/v1/uploads/", json.dumps({"filename": "x.pdf", "size": 0, "sha256": "xyz"}),
                          content_type="application/json").json()
    assert invalid["code"] == "upload_invalid" and set(invalid["errors"]) == {"size", "sha256"}
    assert str(15 * 1024 * 1024) in invalid["detail"]  # the limit: a phone photo as taken
    malformed = client.post("/api/v1/uploads/", "{", content_type="application/json").json()
    assert malformed["code"] == "malformed_request"


@pytest.mark.django_db
def test_a_part_is_read_as_bytes_whatever_its_content_type(client: Any, draft: Any) -> None:
    """The offline script sends a Blob slice, which has no Content-Type; a cached older script must keep working."""
    data = b"%PDF-1.4\n" + b"x" * 1000
    upload = _create(client, data)
    response = client.generic("PUT", f"/api/v1/uploads/{upload['id']}/chunks/0/", data, content_type="",
                              HTTP_X_CHUNK_SHA256=_sha(data))
    assert response.status_code == 204 and response.content == b""
    assert client.get(f"/api/v1/uploads/{upload['id']}/").json()["received"] == [0]


@pytest.mark.django_db
def test_uploads_need_no_csrf_token(personas: Any, service: Any) -> None:  # noqa: F811
    """The offline script sends no CSRF token: a signed-in citizen's browser finalizes into the citizen's own
    draft without one (the same-site session cookie says whose draft it is)."""
    from django.test import Client

    from simpul.cases.tests.factories import PDF_BYTES

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.citizen)
    draft = _start_draft(browser)
    assert draft.owner == personas.citizen
    data = PDF_BYTES
    upload = _create(browser, data)
    assert _put(browser, upload, data, 0).status_code == 204
    done = browser.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": _sha(data), "draft": draft.token, "document": "kk"}), content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json() == {"document": "kk", "filename": "kk.jpg"}


def _open(client: Any, size: int, *, address: str = "10.0.0.1") -> Any:
    return client.post("/api/v1/uploads/", json.dumps({"filename": "kk.pdf", "size": size, "sha256": "a" * 64}),
                       content_type="application/json", REMOTE_ADDR=address)


def _send_whole(client: Any, data: bytes, draft_token: str) -> Any:
    upload = _create(client, data)
    for n in range(upload["chunks"]):
        assert _put(client, upload, data, n).status_code == 204
    return client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": _sha(data), "draft": draft_token, "document": "kk"}), content_type="application/json")


@pytest.mark.django_db
def test_one_client_cannot_keep_more_anonymous_uploads_open_than_its_cap(client: Any, settings: Any,
                                                                          tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    answers = [_open(client, 1024 * 1024).status_code for _ in range(25)]
    assert answers == [201] * settings.UPLOAD_OPEN_PER_CLIENT + [429] * (25 - settings.UPLOAD_OPEN_PER_CLIENT)
    refused = _open(client, 1024 * 1024)
    assert refused["Content-Type"].startswith("application/problem+json") and refused["Retry-After"] == "3600"
    body = refused.json()
    assert body["code"] == "upload_quota" and body["retry_after"] == 3600
    assert body["detail"].startswith("Terlalu banyak berkas sedang dikirim dari sambungan ini")
    assert _open(client, 1024 * 1024, address="10.0.0.2").status_code == 201  # another client is not held up
    settings.UPLOAD_OPEN_BYTES_PER_CLIENT = 10 * 1024 * 1024
    assert _open(client, 10 * 1024 * 1024, address="10.0.0.3").status_code == 201
    assert _open(client, 1, address="10.0.0.3").status_code == 429  # the bytes declared count too


@pytest.mark.django_db
def test_open_uploads_of_all_clients_together_are_capped(client: Any, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.UPLOAD_OPEN_BYTES_TOTAL = 3 * 1024 * 1024
    answers = [_open(client, 1024 * 1024, address=f"10.0.1.{n}").status_code for n in range(1, 5)]
    assert answers == [201, 201, 201, 413]
    body = _open(client, 1024 * 1024, address="10.0.1.9").json()
    assert body["code"] == "upload_space_full" and body["detail"].startswith("Simpul belum bisa menerima berkas")
    assert _open(client, 1, address="10.0.1.9").status_code == 413  # a tiny upload still holds a whole part


@pytest.mark.django_db
def test_a_draft_token_alone_cannot_attach_a_file_to_a_signed_in_citizens_draft(personas: Any,  # noqa: F811
                                                                                 service: Any) -> None:
    from django.test import Client

    from simpul.cases.tests.factories import PDF_BYTES

    citizen = Client()
    citizen.force_login(personas.citizen)
    draft = _start_draft(citizen)
    attacker = Client()
    refused = _send_whole(attacker, PDF_BYTES, draft.token)
    assert (refused.status_code, refused.json()["code"]) == (404, "draft_not_found")
    other = Client()
    other.force_login(personas.business)
    assert _send_whole(other, PDF_BYTES, draft.token).status_code == 404
    draft.refresh_from_db()
    assert draft.documents == {}
    assert _send_whole(citizen, PDF_BYTES, draft.token).status_code == 200


@pytest.mark.django_db
def test_an_anonymous_draft_takes_chunked_files_only_from_the_session_that_made_it(service: Any) -> None:
    from django.test import Client

    from simpul.cases.tests.factories import PDF_BYTES

    maker, stranger = Client(), Client()
    draft = _start_draft(maker)
    assert draft.owner is None
    assert _send_whole(stranger, PDF_BYTES, draft.token).status_code == 404
    draft.refresh_from_db()
    assert draft.documents == {}
    assert _send_whole(maker, PDF_BYTES, draft.token).status_code == 200
    draft.refresh_from_db()
    assert "kk" in draft.documents


def _scan(size: int) -> bytes:
    """A real PDF of `size` bytes (comment lines make it long)."""
    from simpul.cases.tests.factories import PDF_BYTES

    body = PDF_BYTES + b"%" + b"x" * (size - len(PDF_BYTES) - 8) + b"\n"
    return body + b"%%EOF\n"[: size - len(body)]


def _start_for(client: Any, data: bytes, draft_token: str, *, name: str = "scan-kk.pdf",
               head: bytes | None = None) -> Any:
    head = data[:4096] if head is None else head
    return client.post("/api/v1/uploads/", json.dumps({
        "filename": name, "size": len(data), "sha256": _sha(data), "draft": draft_token, "document": "kk",
        "head": base64.b64encode(head).decode()}), content_type="application/json")


def _stored_uploads() -> list[Path]:
    from simpul.portal.uploads import _root

    return sorted(_root().glob("*/meta.json")) if _root().exists() else []


@pytest.mark.django_db
def test_a_file_too_large_for_its_document_is_refused_when_its_upload_opens(client: Any, draft: Any) -> None:
    """A 2.9 MB PDF for the 2 MB family card: refused before any part is sent, in the words of the form."""
    data = _scan(3_040_000)
    refused = _start_for(client, data, draft.token)
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    body = refused.json()
    sentence = ("Berkas scan-kk.pdf terlalu besar (2,9 MB); paling besar 2 MB. Pilih berkas yang lebih kecil, "
            "atau foto dokumennya dengan HP lalu unggah fotonya.")
    assert (body["code"], body["detail"], body["errors"]) == ("document_refused", sentence, {"kk": [sentence]})
    assert _stored_uploads() == []
    # the plain form (no JavaScript) refuses the whole file with the same sentence
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("cases:apply_documents", kwargs={"code": "ktp-el-penggantian", "token": draft.token}),
                       {"idempotency_key": draft.idempotency_key, "next": "1",
                        "kk": SimpleUploadedFile("scan-kk.pdf", data, content_type="application/pdf")})
    assert page.status_code == 400
    assert sentence in page.content.decode()
    # in the language the page asked for
    english = client.post("/api/v1/uploads/", json.dumps({
        "filename": "scan-kk.pdf", "size": len(data), "sha256": _sha(data), "draft": draft.token, "document": "kk",
        "head": base64.b64encode(data[:4096]).decode()}),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == ("The file scan-kk.pdf is too large (2.9 MB); at most 2 MB is accepted. Choose a smaller "
                       "file, or take a photo of the document with your phone and upload the photo.")
    assert _stored_uploads() == []
    # within the limit it opens
    assert _start_for(client, _scan(1_500_000), draft.token).status_code == 201


@pytest.mark.django_db
def test_a_file_of_a_type_the_document_does_not_take_is_refused_from_its_first_bytes(client: Any,
                                                                                       draft: Any) -> None:
    program = b"MZ" + b"\0" * 600_000
    refused = _start_for(client, program, draft.token, name="kk.pdf")
    assert refused.status_code == 400
    sentence = ("Berkas kk.pdf tidak bisa dibuka sebagai PDF/JPG/PNG. Foto dokumennya dengan HP, atau pilih "
                "berkas lain.")
    assert (refused.json()["code"], refused.json()["detail"]) == ("document_refused", sentence)
    assert _stored_uploads() == []
    # the first bytes decide: a PDF's head opens, whatever the rest will be (the whole file is checked later)
    assert _start_for(client, program, draft.token, head=_scan(5000)[:4096]).status_code == 201


@pytest.mark.django_db
def test_opening_for_a_draft_that_is_not_the_callers_or_a_document_it_does_not_ask_for(draft: Any) -> None:
    from django.test import Client

    stranger = _start_for(Client(), _scan(300_000), draft.token)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "draft_not_found")
    unknown = Client().post("/api/v1/uploads/", json.dumps({"filename": "a.pdf", "size": 10, "sha256": "a" * 64,
                                                            "head": "not base64!"}),
                            content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "upload_invalid")
    assert "head" in unknown.json()["errors"]
    assert _stored_uploads() == []


@pytest.mark.django_db
def test_a_refused_or_abandoned_upload_frees_its_parts_at_once(client: Any, draft: Any) -> None:
    from simpul.portal.uploads import _root

    # refused at the end (the type only the whole file shows: a PDF head on a program): parts gone at once
    program = b"%PDF-1.4\n" + b"MZ" * 200_000
    upload = _create(client, program)
    for n in range(upload["chunks"]):
        assert _put(client, upload, program, n).status_code == 204
    refused = client.post(f"/api/v1/uploads/{upload['id']}/finalize/", json.dumps(
        {"sha256": _sha(program), "draft": draft.token, "document": "kk"}), content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (400, "document_refused")
    assert not (_root() / upload["id"]).exists()
    assert client.get(f"/api/v1/uploads/{upload['id']}/").status_code == 404
    # abandoned by the person: removed now, not after 24 hours
    data = _photo()
    upload = _create(client, data)
    assert _put(client, upload, data, 0).status_code == 204
    assert client.delete(f"/api/v1/uploads/{upload['id']}/").status_code == 204
    assert not (_root() / upload["id"]).exists() and _stored_uploads() == []
    gone = client.delete(f"/api/v1/uploads/{upload['id']}/")
    assert (gone.status_code, gone.json()["code"]) == (404, "upload_not_found")
