"""Resumable chunked uploads for documents on a weak link (a dropped VSAT link resumes, it does not restart).

The API (simpul.portal.api.views, described in the OpenAPI schema) is a thin layer over the services here:

    POST /api/v1/uploads/                      {"filename", "size", "sha256"} -> 201 {"id", "chunk_size", "chunks"};
         with {"draft", "document", "head"} the file is first checked against the document (its declared size, and
         its type from `head`, its first bytes) and refused at once (400 `document_refused`), nothing stored
    PUT  /api/v1/uploads/<id>/chunks/<n>/      raw bytes, header X-Chunk-SHA256: <hex>  -> 204; 422 if the hash differs
    GET  /api/v1/uploads/<id>/                 -> {"received": [...], "missing": [...]}  (what to resend after a drop)
    DELETE /api/v1/uploads/<id>/               -> 204: given up, removed now
    POST /api/v1/uploads/<id>/finalize/        {"sha256", "draft", "document"} -> the whole file is checked against
         its SHA-256 (422 on mismatch, 409 listing missing chunks), then goes through the normal document checks of
         the application draft (type by magic bytes, size cap, a photo made smaller and re-encoded) like a file from a plain form.

The upload id is a random capability (like the draft token); parts live under SIMPUL_VAR_DIR/uploads/ and are
removed once finalized, refused or given up (DELETE), or after 24 hours when abandoned. Anyone may start an upload (citizens apply without an
account), so sizes are capped, and so is what stays open: per client (SIMPUL_UPLOAD_OPEN_PER_CLIENT uploads and
SIMPUL_UPLOAD_OPEN_BYTES_PER_CLIENT bytes declared, 429 `upload_quota`) and in all (SIMPUL_UPLOAD_OPEN_BYTES_TOTAL
bytes declared, each upload counted as at least one part, 413 `upload_space_full`). A part can never be larger
than its upload declared, so the declared bytes bound what the parts take on disk. Finalizing attaches the file
only to a draft the caller may change (`simpul.cases.selectors.draft_for_caller`): a signed-in applicant's own
draft, or an anonymous draft made in this session; the draft token alone is not enough.
A refused step raises UploadError with a stable code (the API's problem code).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from simpul.cases.drafts import draft_attach_documents
from simpul.cases.selectors import draft_for_caller
from simpul.catalog.forms_engine import document_specs
from simpul.core import files as docs

CHUNK_SIZE = 256 * 1024
# The largest file an upload may carry: a document at its largest, or a photo as the phone took it (it is made
# smaller when it is attached, simpul.core.files).
MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, settings.UPLOAD_PHOTO_MAX_BYTES)
HEAD_BYTES = 4096  # the first bytes a client may send when opening an upload, to have the file's type checked
MAX_NAME = 200  # longer file names are cut, not refused
KEEP = timedelta(hours=24)  # an unfinished upload is kept this long for resuming
RETRY_AFTER = 3600  # seconds a client told there is no room waits before trying again
ID_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
_ID = re.compile(ID_PATTERN)
_HEX = re.compile(r"^[0-9a-f]{64}$")


class UploadError(Exception):
    """A refused upload step. `code` is stable (the API's problem code); `extensions` are facts the client
    acts on (the damaged part, the parts still missing, the document check's messages)."""

    def __init__(self, code: str, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extensions = extensions


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


def _meta(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "meta.json").read_text())


def _received(folder: Path, meta: dict[str, Any]) -> list[int]:
    return [n for n in range(meta["chunks"]) if (folder / f"{n}.part").exists()]


def _existing(upload_id: str) -> tuple[Path, dict[str, Any]]:
    folder = _folder(upload_id)
    if folder is None:
        raise UploadError("upload_not_found", _("No such upload."))
    return folder, _meta(folder)


def upload_invalid_message() -> str:
    return _("Give the file name, its size (at most {limit} bytes) and its SHA-256.").format(limit=MAX_BYTES)


def _client_key(client: str) -> str:
    """What an upload remembers of its client: a keyed hash of the address, never the address itself."""
    return hmac.new(settings.SECRET_KEY.encode(), f"upload-client:{client}".encode(), hashlib.sha256).hexdigest()[:32]


def _check_room(*, client: str, size: int) -> None:
    """Refuse to open one more upload when this client, or everyone together, already holds too much open."""
    mine, mine_bytes, everyone_bytes = 0, 0, 0
    for meta_file in _root().glob("*/meta.json"):
        try:
            meta = json.loads(meta_file.read_text())
        except (OSError, ValueError):
            continue
        reserved = max(int(meta.get("size") or 0), CHUNK_SIZE)
        everyone_bytes += reserved
        if meta.get("client") == client:
            mine, mine_bytes = mine + 1, mine_bytes + reserved
    if mine + 1 > settings.UPLOAD_OPEN_PER_CLIENT or mine_bytes + size > settings.UPLOAD_OPEN_BYTES_PER_CLIENT:
        raise UploadError("upload_quota", _("Too many files are being sent from this connection at once. Finish "
                                            "sending the ones already started, or try again in an hour."),
                          retry_after=RETRY_AFTER)
    if everyone_bytes + max(size, CHUNK_SIZE) > settings.UPLOAD_OPEN_BYTES_TOTAL:
        raise UploadError("upload_space_full", _("Simpul cannot take more files right now. Please try again in "
                                                 "an hour, or send the documents at the office."),
                          retry_after=RETRY_AFTER)


def _document_spec(*, draft_token: str, document: str, user: Any, session_drafts: Iterable[int]) -> dict[str, Any]:
    """The spec of the draft's document `document`, for a draft the caller may change."""

    draft = draft_for_caller(token=draft_token, user=user, session_drafts=session_drafts)
    if draft is None:
        raise UploadError("draft_not_found", _("This application was not found or has already been sent."))
    spec = next((s for s in document_specs(draft.service_version) if s["code"] == document), None)
    if spec is None:
        raise UploadError("document_not_requested", _("This application does not ask for this document."))
    return spec


def _refused(error: ValidationError, document: str) -> UploadError:
    return UploadError("document_refused", " ".join(error.messages), errors={document: list(error.messages)})


def upload_start(*, filename: str, size: int, sha256: str, client: str = "", draft_token: str = "",
                 document: str = "", head: bytes | None = None, user: Any = None,
                 session_drafts: Iterable[int] = ()) -> dict[str, Any]:
    """Open an upload of `size` bytes for `client` (its network address); returns its id and how to cut the file
    into parts. Refused when the client or everyone together already holds too much open.

    Given the draft (`draft_token`, one the caller may change, as in `upload_finalize`) and its `document`, the
    file is checked before any part is sent: its declared size against the document's limit and, with `head`
    (its first bytes), its type, by `simpul.core.files.document_precheck`; a refusal stores nothing."""
    name, digest = str(filename or "")[:MAX_NAME], str(sha256 or "").lower()
    if not name or not _HEX.match(digest) or not 0 < size <= MAX_BYTES:
        raise UploadError("upload_invalid", upload_invalid_message())
    if draft_token or document:
        spec = _document_spec(draft_token=draft_token, document=document, user=user, session_drafts=session_drafts)
        try:
            docs.document_precheck(spec=spec, name=name, size=size, head=head)
        except ValidationError as error:
            raise _refused(error, document) from None
    uploads_purge()
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    key = _client_key(client)
    with (root / ".lock").open("w") as lock:  # counting and opening are one step for concurrent starts
        fcntl.flock(lock, fcntl.LOCK_EX)
        _check_room(client=key, size=size)
        upload_id = secrets.token_urlsafe(24)
        folder = root / upload_id
        folder.mkdir()
        meta = {"filename": name, "size": size, "sha256": digest, "chunk_size": CHUNK_SIZE,
                "chunks": -(-size // CHUNK_SIZE), "client": key}
        (folder / "meta.json").write_text(json.dumps(meta))
    return {"id": upload_id, "chunk_size": CHUNK_SIZE, "chunks": meta["chunks"]}


def upload_abandon(*, upload_id: str) -> None:
    """Remove an upload and its parts now (the person gave up, or picked another file): no 24-hour stay."""
    folder, _meta_data = _existing(upload_id)
    shutil.rmtree(folder, ignore_errors=True)


def upload_get(*, upload_id: str) -> dict[str, Any]:
    """Which parts have arrived and which are missing (what to resend after a drop)."""
    folder, meta = _existing(upload_id)
    received = _received(folder, meta)
    return {"received": received, "missing": [n for n in range(meta["chunks"]) if n not in received],
            "chunks": meta["chunks"], "chunk_size": meta["chunk_size"]}


def upload_chunk_store(*, upload_id: str, number: int, content: bytes, sha256: str) -> None:
    """Keep part `number` when its size and SHA-256 are right; sending a part again replaces it (idempotent)."""
    folder, meta = _existing(upload_id)
    if not 0 <= number < meta["chunks"]:
        raise UploadError("chunk_out_of_range", _("This part number is outside the file."))
    expected = meta["chunk_size"] if number < meta["chunks"] - 1 else meta["size"] - meta["chunk_size"] * number
    if len(content) != expected or hashlib.sha256(content).hexdigest() != (sha256 or "").lower():
        raise UploadError("chunk_damaged", _("This part arrived damaged. Please send it again."), chunk=number)
    tmp = folder / f"{number}.tmp"
    tmp.write_bytes(content)
    tmp.replace(folder / f"{number}.part")


def upload_finalize(*, upload_id: str, sha256: str | None = None, draft_token: str = "", document: str = "",
                    user: Any = None, session_drafts: Iterable[int] = ()) -> dict[str, Any]:
    """Join the parts, check the whole file's SHA-256, attach it to the application draft through the normal
    document checks, and remove the upload. `user` and `session_drafts` (the anonymous drafts the caller's session
    made) say whose draft the caller may change."""

    folder, meta = _existing(upload_id)
    missing = [n for n in range(meta["chunks"]) if n not in _received(folder, meta)]
    if missing:
        raise UploadError("upload_incomplete", _("Some parts have not arrived yet."), missing=missing)
    content = b"".join((folder / f"{n}.part").read_bytes() for n in range(meta["chunks"]))
    if hashlib.sha256(content).hexdigest() != meta["sha256"] or (sha256 is not None and sha256 != meta["sha256"]):
        for part in folder.glob("*.part"):
            part.unlink()
        raise UploadError("upload_damaged", _("The file arrived damaged. Please send it again."),
                          missing=list(range(meta["chunks"])))
    draft = draft_for_caller(token=draft_token, user=user, session_drafts=session_drafts)
    if draft is None:
        raise UploadError("draft_not_found", _("This application was not found or has already been sent."))
    upload = SimpleUploadedFile(meta["filename"], content)
    errors = draft_attach_documents(draft=draft, files={document: upload})
    if errors or document not in (draft.documents or {}):
        shutil.rmtree(folder, ignore_errors=True)  # a refused file is not kept for a retry: it would fail again
    if errors:
        raise UploadError("document_refused", " ".join(m for messages in errors.values() for m in messages),
                          errors={key: [str(m) for m in messages] for key, messages in errors.items()})
    if document not in (draft.documents or {}):
        raise UploadError("document_not_requested", _("This application does not ask for this document."))
    shutil.rmtree(folder, ignore_errors=True)
    return {"document": document, "filename": meta["filename"]}
