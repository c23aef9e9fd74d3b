"""Resumable chunked uploads for documents on a weak link (a dropped VSAT link resumes, it does not restart).

    POST /api/v1/uploads/                      {"filename", "size", "sha256"} -> 201 {"id", "chunk_size", "chunks"}
    PUT  /api/v1/uploads/<id>/chunks/<n>/      raw bytes, header X-Chunk-SHA256: <hex>  -> 204; 422 if the hash differs
    GET  /api/v1/uploads/<id>/                 -> {"received": [...], "missing": [...]}  (what to resend after a drop)
    POST /api/v1/uploads/<id>/finalize/        {"sha256", "draft", "document"} -> the whole file is checked against
         its SHA-256 (422 on mismatch, 409 listing missing chunks), then goes through the normal document checks of
         the application draft (type by magic bytes, size cap, image re-encoding) like a file from a plain form.

The upload id is a random capability (like the draft token); parts live under SIMPUL_VAR_DIR/uploads/ and are
removed once finalized, or after 24 hours when abandoned. Anyone may start an upload (citizens apply without an account), so sizes are capped.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

CHUNK_SIZE = 256 * 1024
MAX_BYTES = 10 * 1024 * 1024
KEEP = timedelta(hours=24)  # an unfinished upload is kept this long for resuming
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")


def _root() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _folder(upload_id: str) -> Path | None:
    if not _ID.match(upload_id):
        return None
    folder = _root() / upload_id
    return folder if (folder / "meta.json").exists() else None


def uploads_purge(*, older_than: timedelta = KEEP) -> int:
    """Remove uploads not finalized within `older_than` (abandoned on a dropped link); run on each new upload, so
    the folder never grows without bound and no worker job is needed. Returns how many were removed."""
    root = _root()
    if not root.exists():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for folder in root.iterdir():
        meta = folder / "meta.json"
        if folder.is_dir() and (not meta.exists() or meta.stat().st_mtime < cutoff):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _error(status: int, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def _meta(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "meta.json").read_text())


def _received(folder: Path, meta: dict[str, Any]) -> list[int]:
    return [n for n in range(meta["chunks"]) if (folder / f"{n}.part").exists()]


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@csrf_exempt  # no cookie-bound authority: the random upload id is the only key
@require_http_methods(["POST"])
def upload_create(request: HttpRequest) -> JsonResponse:
    data = _json(request)
    name = str(data.get("filename") or "")[:200]
    digest = str(data.get("sha256") or "").lower()
    try:
        size = int(data.get("size"))
    except (TypeError, ValueError):
        size = -1
    if not name or not _HEX.match(digest) or not 0 < size <= MAX_BYTES:
        return _error(400, _("Give the file name, its size (at most {limit} bytes) and its SHA-256.").format(
            limit=MAX_BYTES))
    uploads_purge()
    upload_id = secrets.token_urlsafe(24)
    folder = _root() / upload_id
    folder.mkdir(parents=True)
    meta = {"filename": name, "size": size, "sha256": digest, "chunk_size": CHUNK_SIZE,
            "chunks": -(-size // CHUNK_SIZE)}
    (folder / "meta.json").write_text(json.dumps(meta))
    return JsonResponse({"id": upload_id, "chunk_size": CHUNK_SIZE, "chunks": meta["chunks"]}, status=201)


@require_http_methods(["GET"])
def upload_status(request: HttpRequest, upload_id: str) -> JsonResponse:
    folder = _folder(upload_id)
    if folder is None:
        return _error(404, _("No such upload."))
    meta = _meta(folder)
    received = _received(folder, meta)
    return JsonResponse({"received": received, "missing": [n for n in range(meta["chunks"]) if n not in received],
                         "chunks": meta["chunks"], "chunk_size": meta["chunk_size"]})


@csrf_exempt
@require_http_methods(["PUT"])
def upload_chunk(request: HttpRequest, upload_id: str, number: int) -> JsonResponse:
    folder = _folder(upload_id)
    if folder is None:
        return _error(404, _("No such upload."))
    meta = _meta(folder)
    if not 0 <= number < meta["chunks"]:
        return _error(400, _("This part number is outside the file."))
    body = request.body
    expected = meta["chunk_size"] if number < meta["chunks"] - 1 else meta["size"] - meta["chunk_size"] * number
    if len(body) != expected or hashlib.sha256(body).hexdigest() != request.headers.get("X-Chunk-SHA256", "").lower():
        return _error(422, _("This part arrived damaged. Please send it again."), chunk=number)
    tmp = folder / f"{number}.tmp"
    tmp.write_bytes(body)
    tmp.replace(folder / f"{number}.part")
    return JsonResponse({}, status=204)


@csrf_exempt
@require_http_methods(["POST"])
def upload_finalize(request: HttpRequest, upload_id: str) -> JsonResponse:
    from simpul.cases.models import Draft
    from simpul.cases.services import draft_attach_documents

    folder = _folder(upload_id)
    if folder is None:
        return _error(404, _("No such upload."))
    meta, data = _meta(folder), _json(request)
    missing = [n for n in range(meta["chunks"]) if n not in _received(folder, meta)]
    if missing:
        return _error(409, _("Some parts have not arrived yet."), missing=missing)
    content = b"".join((folder / f"{n}.part").read_bytes() for n in range(meta["chunks"]))
    if hashlib.sha256(content).hexdigest() != meta["sha256"] or str(data.get("sha256", meta["sha256"])) != meta["sha256"]:
        for part in folder.glob("*.part"):
            part.unlink()
        return _error(422, _("The file arrived damaged. Please send it again."),
                      missing=list(range(meta["chunks"])))
    draft = Draft.objects.filter(token=str(data.get("draft") or ""), case__isnull=True).first()
    if draft is None:
        return _error(404, _("This application was not found or has already been sent."))
    upload = SimpleUploadedFile(meta["filename"], content)
    errors = draft_attach_documents(draft=draft, files={str(data.get("document") or ""): upload})
    if errors:
        return _error(400, " ".join(m for messages in errors.values() for m in messages), errors=errors)
    if str(data.get("document") or "") not in (draft.documents or {}):
        return _error(400, _("This application does not ask for this document."))
    shutil.rmtree(folder, ignore_errors=True)
    return JsonResponse({"document": data.get("document"), "filename": meta["filename"]}, status=200)
