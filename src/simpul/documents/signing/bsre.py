"""The `bsre` backend: certified electronic signatures (TTE) through BSrE's Esign Client Service.

The interface, as an Esign Client Service installation offers it (basic auth with the installation's account):

- `POST {SIMPUL_BSRE_URL}/api/sign/pdf`, `multipart/form-data`: `file` (the PDF), `nik` and `passphrase` (the
  signer's, given at signing time), `tampilan` (`visible` or `invisible`); for a visible signature `image=false`,
  `page` (1-based), `xAxis`, `yAxis`, `width`, `height` (PDF points, from the lower left corner), `reason`,
  `location`. It answers 200 with the header `id_dokumen` (and the signed file), or an error as JSON
  `{"error": "...", "status_code": ...}`.
- `GET {SIMPUL_BSRE_URL}/api/sign/download/{id_dokumen}`: the signed PDF.

The passphrase goes into the one request body and nowhere else: not into a log line, an exception, the audit log
or the database (`SignerIdentity.__repr__` leaves it out; errors carry only the service's status).
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from simpul.documents.signing.base import SignatureBox, SignerIdentity, SigningBackend, SigningError, registry

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 50 * 1024 * 1024


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A `multipart/form-data` body and its content type."""
    boundary = f"simpul-{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + value.encode("utf-8") + b"\r\n")
    for name, (filename, content, kind) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {kind}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@registry.register
class BsreBackend(SigningBackend):
    """Signs through the Esign Client Service at `settings.BSRE_URL` with the signer's NIK and passphrase."""

    name = "bsre"
    certified = True

    def _request(self, path: str, *, body: bytes | None = None, content_type: str = "") -> tuple[bytes, Any]:
        base = settings.BSRE_URL.rstrip("/")
        if not base:
            raise SigningError(_("The BSrE signing service is not configured (SIMPUL_BSRE_URL)."))
        request = urllib.request.Request(f"{base}{path}", data=body, method="POST" if body is not None else "GET")  # noqa: S310
        token = base64.b64encode(f"{settings.BSRE_USERNAME}:{settings.BSRE_PASSWORD}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=settings.BSRE_TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.read(MAX_RESPONSE_BYTES), response.headers
        except urllib.error.HTTPError as exc:
            message = _bsre_message(exc.read(64 * 1024))
            logger.warning("BSrE answered HTTP %s", exc.code)
            raise SigningError(_("BSrE refused to sign: {message}").format(message=message)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("BSrE not reachable: %s", type(exc).__name__)
            raise SigningError(_("The BSrE signing service could not be reached. Try again later.")) from None

    def sign(self, pdf: bytes, *, signer: SignerIdentity, box: SignatureBox | None, reason: str,
             location: str) -> bytes:
        if not signer.nik or not signer.passphrase:
            raise SigningError(_("Signing with BSrE needs the signer's NIK and passphrase."))
        fields = {"nik": signer.nik, "passphrase": signer.passphrase, "tampilan": "visible" if box else "invisible",
                  "reason": reason, "location": location}
        if box:
            x1, y1, x2, y2 = box.box
            fields.update({"image": "false", "page": str(box.page + 1), "xAxis": str(x1), "yAxis": str(y1),
                           "width": str(x2 - x1), "height": str(y2 - y1)})
        body, content_type = multipart(fields, {"file": ("dokumen.pdf", pdf, "application/pdf")})
        del fields
        _content, headers = self._request("/api/sign/pdf", body=body, content_type=content_type)
        document_id = (headers.get("id_dokumen") or "").strip()
        if not document_id:
            raise SigningError(_("BSrE did not say which signed document to download."))
        signed, _headers = self._request(f"/api/sign/download/{urllib.parse.quote(document_id, safe='')}")
        if not signed.startswith(b"%PDF-"):
            raise SigningError(_("BSrE sent back something that is not a PDF."))
        return signed


def _bsre_message(body: bytes) -> str:
    """The service's own error sentence (it speaks Indonesian), never the request."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return _("unknown error")
    text = str(data.get("error") or data.get("message") or "") if isinstance(data, dict) else ""
    return text[:200] or _("unknown error")
