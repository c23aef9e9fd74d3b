"""The `bsre` backend against a local simulator of BSrE's Esign Client Service (an HTTP server in the test).

The simulator checks basic auth, the NIK and passphrase, signs the uploaded PDF (with its own CA, standing in for
BSrE's) and keeps it for `GET /api/sign/download/<id_dokumen>`; it answers errors as the service does (JSON).
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ValidationError
from pyhanko.sign import signers
from weasyprint import HTML

from simpul.cases.actions import perform
from simpul.cases.constants import CaseStatus
from simpul.core.models import AuditEntry
from simpul.documents.ca import ca_init
from simpul.documents.models import Document, Signer
from simpul.documents.signing import SignatureBox, SignerIdentity, SigningError, backend
from simpul.documents.signing.local import pades_sign
from simpul.documents.tests.factories import case_in_review, letterhead
from simpul.documents.tests.pdftools import run_tool

NIK = "1606014107800001"
PASSPHRASE = "Rahasia#Kepala-2026"
ACCOUNT = ("simpul", "esign-client-secret")


class Simulator(BaseHTTPRequestHandler):
    """The Esign Client Service's two calls."""

    signer: ClassVar[signers.Signer]
    signed: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[dict[str, str]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: bytes, kind: str = "application/json", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _authorised(self) -> bool:
        expected = "Basic " + base64.b64encode(":".join(ACCOUNT).encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._answer(401, b'{"error": "Unauthorized", "status_code": 401}')
            return False
        return True

    def do_POST(self) -> None:
        if not self._authorised():
            return
        if self.path != "/api/sign/pdf":
            self._answer(404, b'{"error": "Not found"}')
            return
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw)
        fields, pdf = {}, b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                pdf = part.get_payload(decode=True)
            else:
                fields[name] = part.get_content().strip()
        type(self).requests.append({k: v for k, v in fields.items() if k != "passphrase"})
        if fields.get("nik") != NIK:
            self._answer(400, b'{"error": "NIK tidak terdaftar", "status_code": 2021}')
            return
        if fields.get("passphrase") != PASSPHRASE:
            self._answer(400, b'{"error": "Passphrase anda salah", "status_code": 2031}')
            return
        box = None
        if fields.get("tampilan") == "visible":
            x, y, w, h = (int(fields[k]) for k in ("xAxis", "yAxis", "width", "height"))
            box = SignatureBox(page=int(fields["page"]) - 1, box=(x, y, x + w, y + h))
        signed = pades_sign(pdf, cms_signer=type(self).signer, validation=None, box=box,
                            signer=SignerIdentity(name="BSrE"), reason=fields.get("reason", ""),
                            location=fields.get("location", ""), certified=True)
        document_id = uuid.uuid4().hex
        type(self).signed[document_id] = signed
        self._answer(200, signed, "application/pdf", id_dokumen=document_id)

    def do_GET(self) -> None:
        if not self._authorised():
            return
        prefix = "/api/sign/download/"
        content = type(self).signed.get(self.path[len(prefix):]) if self.path.startswith(prefix) else None
        if content is None:
            self._answer(404, b'{"error": "Dokumen tidak ditemukan"}')
            return
        self._answer(200, content, "application/pdf")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    folder = ca_init(Path(tmp_path_factory.mktemp("bsre-ca")), force=True)
    Simulator.signer = signers.SimpleSigner.load(str(folder / "signer.key"), str(folder / "signer.pem"),
                                                 ca_chain_files=(str(folder / "ca.pem"),))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Simulator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def bsre(settings, simulator):
    settings.DOCUMENTS_SIGNING_BACKEND = "bsre"
    settings.BSRE_URL = simulator
    settings.BSRE_USERNAME, settings.BSRE_PASSWORD = ACCOUNT
    Simulator.requests.clear()
    return simulator


@pytest.fixture
def case(personas):
    letterhead(personas.dukcapil)
    Signer.objects.filter(user=personas.head).update(nik=NIK)
    return case_in_review(personas)


def test_an_approval_is_signed_by_bsre_visibly_and_says_nothing_of_a_non_certified_signature(
        bsre, case, personas, caplog):
    caplog.set_level(logging.DEBUG)
    perform(case, "approve", personas.head, passphrase=PASSPHRASE)
    document = Document.objects.get(case=case)
    assert document.backend == "bsre" and document.certified
    [sent] = Simulator.requests
    assert sent["nik"] == NIK and sent["tampilan"] == "visible" and sent["page"] == "1"
    content = bytes(document.content)
    out = run_tool("pdfsig", content, "-nocert")
    assert "Signature is Valid" in out and "Total document signed" in out
    text = run_tool("pdftotext", content, after=("-",))
    assert "Bukan tanda tangan elektronik tersertifikasi" not in text


def test_the_passphrase_is_never_logged_or_stored(bsre, case, personas, caplog):
    caplog.set_level(logging.DEBUG)
    perform(case, "approve", personas.head, passphrase=PASSPHRASE)
    wrong = case_in_review(personas, key="doc-2", version=case.service_version)
    with pytest.raises(ValidationError):
        perform(wrong, "approve", personas.head, passphrase=PASSPHRASE + "x")
    assert PASSPHRASE not in caplog.text
    for entry in AuditEntry.objects.all():
        assert PASSPHRASE not in str(entry.changes)
    assert not Document.objects.filter(content__contains=PASSPHRASE.encode()).exists()


def test_a_wrong_passphrase_leaves_the_case_as_it_was_and_says_what_bsre_said(bsre, case, personas):
    with pytest.raises(ValidationError) as caught:
        perform(case, "approve", personas.head, passphrase="salah")
    assert "Passphrase anda salah" in " ".join(caught.value.messages)
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIKASI and not Document.objects.exists()


def test_invisible_signatures_and_an_unreachable_service(bsre, settings):
    content = HTML(string='<html lang="id"><body><p>Uji</p></body></html>').write_pdf()
    signed = backend().sign(content, signer=SignerIdentity(name="Kepala", nik=NIK, passphrase=PASSPHRASE),
                            box=None, reason="uji", location="Sekayu")
    assert Simulator.requests[-1]["tampilan"] == "invisible" and signed.startswith(b"%PDF-")
    settings.BSRE_URL = "http://127.0.0.1:9"
    with pytest.raises(SigningError) as caught:
        backend().sign(content, signer=SignerIdentity(name="Kepala", nik=NIK, passphrase=PASSPHRASE),
                       box=None, reason="uji", location="Sekayu")
    assert "tidak dapat dihubungi" in str(caught.value)
