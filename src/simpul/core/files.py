"""The one upload pipeline: every file anyone gives Simpul (a citizen's case documents from the portal, the chunked
upload and the JSON API, an agency's documents, a consent photo, assessment evidence) is checked and stored here.

A file is accepted only when its content (magic bytes, via puremagic plus a strict signature check) is one
of the spec's allowed types, it is within its size cap, and, when `settings.CLAMD_SOCKET` is set, ClamAV finds
nothing (a scanner error refuses the file: fail closed). A PDF's cap is the spec's `max_bytes` (at most
`settings.UPLOAD_MAX_BYTES`); a photo (JPG, PNG, WebP) may arrive as a phone takes it, up to
`settings.UPLOAD_PHOTO_MAX_BYTES`, because it is made smaller here: decoded with Pillow (decompression bombs
refused), turned upright as its EXIF orientation says, its longest side brought down to `PHOTO_MAX_SIDE`
pixels, and re-encoded without any metadata (no EXIF, so no GPS position and no camera serial), at a lower
JPEG quality when needed to fit the spec's `max_bytes`. PDFs are parsed
with pikepdf (qpdf), which decompresses object streams and normalises name escapes (`/J#61vaScript` is
`/JavaScript`), and refused when any object carries active content: JavaScript, Launch, SubmitForm, ImportData
and other actions that run or fetch something, an open action or additional actions (/AA) that are not a plain
page view, embedded files, XFA forms, RichMedia. The raw bytes are also searched (after undoing name escapes),
so an object a reader might see in an older revision cannot hide from the parser's view. A PDF must start at
its first byte with `%PDF-`, end at its last `%%EOF` (whitespace aside) and carry no HTML: polyglots are refused.
PDFs are refused, never rewritten: a rewrite would break a document's electronic signature.

Files are stored under random names in Django's default storage (MEDIA_ROOT, which the web server never serves);
the SHA-256 of the stored bytes is recorded.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import socket
import struct
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

import pikepdf
import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Refuse images that decode to more than ~50 megapixels (a phone photo is 12-50 MP).
MAX_IMAGE_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
# A stored photo's longest side: a family card photographed whole stays readable (about 150 dpi on A4).
PHOTO_MAX_SIDE = 2000
PHOTO_KINDS = frozenset({"jpg", "png", "webp"})
# JPEG/WebP qualities tried in turn until a photo fits its document's limit.
_QUALITIES = (85, 75, 62, 50)

CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_SIGNATURES = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}
_PUREMAGIC_EXT = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".jfif": "jpg", ".webp": "webp"}


@dataclass
class CheckedFile:
    """A file that passed every check, ready to store (or already stored when `stored_name` is set)."""

    spec_code: str
    original_name: str
    content: bytes
    kind: str
    content_type: str
    sha256: str
    stored_name: str = ""
    stored_size: int = 0

    @property
    def size(self) -> int:
        return self.stored_size or len(self.content)

    def as_dict(self) -> dict[str, Any]:
        """What a draft keeps of an already stored file (no content)."""
        return {"original_name": self.original_name, "kind": self.kind, "content_type": self.content_type,
                "sha256": self.sha256, "stored_name": self.stored_name, "size": self.size}

    @classmethod
    def from_dict(cls, spec_code: str, data: dict[str, Any]) -> CheckedFile:
        return cls(spec_code=spec_code, original_name=data["original_name"], content=b"", kind=data["kind"],
                   content_type=data["content_type"], sha256=data["sha256"], stored_name=data["stored_name"],
                   stored_size=int(data.get("size") or 0))


def human_bytes(size: int) -> str:
    """A size as a person reads it, with the page language's decimal mark (2,9 MB in Indonesian, 2.9 MB in
    English); the documents page's script writes sizes the same way (offline.js, humanBytes)."""
    if size >= 1024 * 1024:
        mb = size / (1024 * 1024)
        text = f"{mb:.0f} MB" if size % (1024 * 1024) == 0 else f"{mb:.1f} MB"
        return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))
    return f"{max(1, round(size / 1024))} KB"


def sanitise_name(name: str) -> str:
    """A safe display name: no path, no control characters, at most 120 characters, keeps the extension."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKC", name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip(" .") or "dokumen"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + "." + ext[:8]) if dot else name[:120]
    return name


def _read(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    return data if isinstance(data, bytes) else str(data).encode()


def detect_kind(head: bytes) -> str | None:
    """The file kind (pdf, jpg, png, webp) both puremagic and the strict signature agree on, or None."""
    try:
        matches = puremagic.magic_string(head)
    except Exception:
        matches = []
    guessed = {_PUREMAGIC_EXT.get(m.extension.lower()) for m in matches}
    for kind, check in _SIGNATURES.items():
        if check(head) and kind in guessed:
            return kind
    return None


def _allowed(types: list[str]) -> set[str]:
    allowed = {t.lower().lstrip(".") for t in types}
    if "jpeg" in allowed:
        allowed.add("jpg")
    return allowed & set(CONTENT_TYPES)


def _shown_types(spec: dict[str, Any], allowed: set[str]) -> list[str]:
    """The allowed types in the spec's order, as the documents page lists them (PDF, JPG, PNG)."""
    named = ("jpg" if t == "jpeg" else t for t in (x.lower().lstrip(".") for x in spec.get("types") or []))
    return list(dict.fromkeys(t.upper() for t in named if t in allowed)) or sorted(t.upper() for t in allowed)


def _downscaled(image: Image.Image) -> Image.Image:
    """The photo upright (EXIF orientation applied) with its longest side at most PHOTO_MAX_SIDE pixels."""
    upright = ImageOps.exif_transpose(image) or image
    if max(upright.size) > PHOTO_MAX_SIDE:
        upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    return upright


def _encoded(image: Image.Image, kind: str, quality: int) -> bytes:
    """The image in `kind`'s format with no metadata at all (Pillow writes EXIF, XMP or ICC only when told)."""
    out = io.BytesIO()
    if kind == "jpg":
        flat = image if image.mode in ("L", "RGB") else _flattened(image)
        flat.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    elif kind == "png":
        keep = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else image.convert("RGBA")
        keep.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=quality)
    return out.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """An image with transparency laid on white (a JPEG has no alpha channel), or converted to RGB."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _reencode(content: bytes, kind: str, name: str, *, limit: int, allowed: set[str]) -> tuple[bytes, str]:
    """The photo made smaller and re-encoded (see the module docstring); returns its bytes and kind. A PNG that
    stays over `limit` becomes a JPEG when the document takes JPEG; a JPEG or WebP is re-encoded at lower
    qualities until it fits."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                scale = PHOTO_MAX_SIDE / max(width, height, 1)
                if kind == "jpg" and scale < 1:
                    # decode at 1/2, 1/4 or 1/8 straight from the JPEG data: a 12 MP photo costs a quarter
                    image.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
                image.load()
                photo = _downscaled(image)
                candidates = [(kind, q) for q in (_QUALITIES if kind != "png" else (0,))]
                if kind == "png" and "jpg" in allowed:
                    candidates += [("jpg", q) for q in _QUALITIES]
                for out_kind, quality in candidates:
                    encoded = _encoded(photo, out_kind, quality)
                    if len(encoded) <= limit:
                        return encoded, out_kind
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image {name} is too large in pixels. Take a smaller photo or scan it at a lower resolution.").format(
                name=name
            ),
            code="image_too_large",
        ) from None
    except Exception:
        raise ValidationError(
            _("The image {name} is damaged or cannot be read. Please upload it again.").format(name=name),
            code="image_unreadable",
        ) from None
    raise ValidationError(
        _("The photo {name} could not be made small enough (at most {limit}). Take it again with the document "
          "filling the picture, or choose another file.").format(name=name, limit=human_bytes(limit)),
        code="photo_too_large",
    )


def _pdf_refused(name: str, code: str) -> ValidationError:
    if code == "pdf_attachment":
        message = _("The PDF {name} has other files attached inside it, which are not accepted. Save it again as a "
                    "plain PDF or upload a photo of the document.")
    elif code == "pdf_unreadable":
        message = _("The PDF {name} is damaged or cannot be read. Save it again as a PDF or upload a photo of the "
                    "document.")
    elif code == "pdf_password":
        message = _("The PDF {name} is locked with a password. Save it again without the password or upload a "
                    "photo of the document.")
    else:
        message = _("The PDF file {name} contains scripts or automatic actions and cannot be accepted. Save it "
                    "again as a plain PDF (print it to PDF) or upload a photo of the document.")
    return ValidationError(message.format(name=name), code=code)


# Actions that run code, send or fetch data, or open something outside the document: refused wherever they are.
_ACTIVE_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/RichMediaExecute", "/GoToE", "/GoToR",
    "/Movie", "/Sound", "/ECMAScript",
})
# Keys that carry scripts, forms or media that run by themselves.
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/XFA", "/RichMediaContent", "/RichMediaSettings"})
_ATTACHMENT_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
_ACTIVE_SUBTYPES = frozenset({"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
# The same names searched in the raw bytes once #xx escapes are undone (objects outside the parser's view).
# Stream bodies are left out: compressed bytes would match a short name by chance (the parser reads them).
_RAW_ACTIVE = frozenset({"JavaScript", "JS", "Launch", "SubmitForm", "ImportData", "XFA", "RichMedia",
                         "RichMediaContent"})
_RAW_ATTACHMENT = frozenset({"EmbeddedFile", "EmbeddedFiles", "FileAttachment"})
_RAW_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_STREAM_BODY = re.compile(rb"stream(?:\r\n|\n|\r).*?endstream", re.DOTALL)
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|object|embed)[\s>/]", re.IGNORECASE)
# A ZIP archive is read from its end (the end-of-central-directory record lies in the last 64 KiB + 22 bytes),
# so a PDF with an archive appended or tucked before a final %%EOF (zip comment) is a polyglot.
_ZIP_EOCD = b"PK\x05\x06"
_ZIP_TAIL = 65_557


def _name_unescaped(raw: bytes) -> str:
    """A PDF name as a reader sees it: `J#61vaScript` is `JavaScript`."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _plain_view(action: Any, depth: int = 0) -> bool:
    """True when an open action is only a page view: a destination, or GoTo actions chained by /Next."""
    if depth > 20:
        return False
    if isinstance(action, pikepdf.Array | pikepdf.String | pikepdf.Name):
        return True
    if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != pikepdf.Name.GoTo:
        return False
    following = action.get("/Next")
    if following is None:
        return True
    chain = list(following) if isinstance(following, pikepdf.Array) else [following]
    return all(_plain_view(a, depth + 1) for a in chain)


def _dictionary_verdict(d: Any) -> str | None:
    """The refusal code for one dictionary (or stream dictionary), or None."""
    keys = set(d.keys())
    if keys & _ATTACHMENT_KEYS or d.get("/Type") == pikepdf.Name.EmbeddedFile \
            or d.get("/Subtype") == pikepdf.Name.FileAttachment:
        return "pdf_attachment"
    if keys & _ACTIVE_KEYS or d.get("/Subtype") in _ACTIVE_SUBTYPES:
        return "pdf_active_content"
    action = d.get("/S")
    if isinstance(action, pikepdf.Name) and str(action) in _ACTIVE_ACTIONS:
        return "pdf_active_content"
    if "/OpenAction" in keys and not _plain_view(d.get("/OpenAction")):
        return "pdf_active_content"
    additional = d.get("/AA")
    if additional is not None and (not isinstance(additional, pikepdf.Dictionary)
                                   or not all(_plain_view(a) for a in additional.values())):
        return "pdf_active_content"
    return None


def _pdf_objects_verdict(pdf: Any) -> str | None:
    """Walk every object qpdf knows (object streams decompressed), and every object nested directly inside one."""
    stack: list[Any] = [pdf.trailer, *pdf.objects]
    seen = 0
    while stack:
        obj = stack.pop()
        seen += 1
        if seen > 2_000_000:
            return "pdf_unreadable"
        if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
            dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            verdict = _dictionary_verdict(dictionary)
            if verdict:
                return verdict
            children = dictionary.values()
        elif isinstance(obj, pikepdf.Array):
            children = obj
        else:
            continue
        # Indirect objects are in pdf.objects already; only direct children are walked here.
        stack.extend(child for child in children if isinstance(child, pikepdf.Object) and not child.is_indirect)
    return None


def _check_pdf(content: bytes, name: str) -> None:
    """Refuse a PDF with active content or anything that is not PDF (see the module docstring)."""
    tail = content.rstrip(b" \t\r\n\x00")
    if not tail.endswith(b"%%EOF") or _ZIP_EOCD in content[-_ZIP_TAIL:]:
        raise ValidationError(
            _("The file {name} is not a plain PDF: something is attached after its end. Save it again as a PDF "
              "or upload a photo of the document.").format(name=name),
            code="pdf_trailing_data",
        )
    if _HTML.search(content):
        raise ValidationError(
            _("The file {name} is not a plain PDF: a web page is hidden inside it. Save it again as a PDF or "
              "upload a photo of the document.").format(name=name),
            code="pdf_polyglot",
        )
    names = {_name_unescaped(m.group(1)) for m in _RAW_NAME.finditer(_STREAM_BODY.sub(b"stream endstream", content))}
    if names & _RAW_ATTACHMENT:
        raise _pdf_refused(name, "pdf_attachment")
    if names & _RAW_ACTIVE:
        raise _pdf_refused(name, "pdf_active_content")
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            verdict = _pdf_objects_verdict(pdf)
    except pikepdf.PasswordError:
        verdict = "pdf_password"
    except (pikepdf.PdfError, RecursionError, ValueError, RuntimeError):
        verdict = "pdf_unreadable"
    if verdict:
        raise _pdf_refused(name, verdict)


def _clamd_scan(content: bytes, name: str) -> None:
    path = settings.CLAMD_SOCKET
    if not path:
        return
    try:
        if path.startswith("tcp://"):
            host, _sep, port = path[6:].partition(":")
            sock = socket.create_connection((host, int(port or 3310)), timeout=30)
        else:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(30)
            sock.connect(path)
        with sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), 65536):
                chunk = content[start:start + 65536]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = sock.recv(4096)
    except OSError:
        reply = b""
    if not reply.rstrip(b"\0").endswith(b"OK"):
        raise ValidationError(
            _("The file {name} could not be checked for viruses and was not accepted. Please try again later.").format(
                name=name
            ),
            code="scan_failed",
        )


def document_limit(spec: dict[str, Any]) -> int:
    """The most bytes a stored document may have: a PDF as it is sent, a photo once made smaller. The spec's
    `max_bytes`, capped by UPLOAD_MAX_BYTES."""
    return min(int(spec.get("max_bytes") or settings.UPLOAD_MAX_BYTES), int(settings.UPLOAD_MAX_BYTES))


def photo_limit(spec: dict[str, Any]) -> int | None:
    """The most bytes a photo for this document may have when it arrives (it is made smaller before it is
    stored): UPLOAD_PHOTO_MAX_BYTES, or the document's own limit when that is larger. None when the document
    takes no photo."""
    if not _allowed(spec.get("types") or ["pdf", "jpg", "png"]) & PHOTO_KINDS:
        return None
    return max(int(settings.UPLOAD_PHOTO_MAX_BYTES), document_limit(spec))


def arrival_limit(spec: dict[str, Any], kind: str | None = None) -> int:
    """The most bytes a file of `kind` may have when it arrives for this document; with the kind not known yet,
    the largest a file of any kind the document takes may have."""
    photos = photo_limit(spec)
    if photos is not None and (kind is None or kind in PHOTO_KINDS):
        return photos
    return document_limit(spec)


def limits_text(spec: dict[str, Any]) -> str:
    """What the document takes and how large, as its file input's hint and the service page say it: "A photo
    (JPG, PNG) up to 15 MB, or a PDF up to 2 MB." (the photo limit is what may arrive; it is made smaller)."""
    allowed = _allowed(spec.get("types") or ["pdf", "jpg", "png"])
    shown = _shown_types(spec, allowed)
    photos = ", ".join(t for t in shown if t.lower() in PHOTO_KINDS)
    others = ", ".join(t for t in shown if t.lower() not in PHOTO_KINDS)
    photo_max = photo_limit(spec)
    if photo_max is None:
        return _("{types}, at most {limit}.").format(types=others, limit=human_bytes(document_limit(spec)))
    if not others:
        return _("A photo ({types}) up to {limit}.").format(types=photos, limit=human_bytes(photo_max))
    return _("A photo ({photo_types}) up to {photo_limit}, or a {types} up to {limit}.").format(
        photo_types=photos, photo_limit=human_bytes(photo_max), types=others, limit=human_bytes(document_limit(spec)))


def too_large_message(*, name: str, size: str, limit: str) -> str:
    """The refusal of a file over its limit, sizes already written out (the documents page hands the browser
    this sentence with `{name}` and `{size}` left in, so a file it can measure is refused in the same words)."""
    return _("The file {name} is too large ({size}); at most {limit} is accepted. Choose a smaller file, or take "
             "a photo of the document with your phone and upload the photo.").format(name=name, size=size,
                                                                                     limit=limit)


def photo_too_large_message(*, name: str, size: str, limit: str) -> str:
    """The refusal of a photo over the photo limit, in the same form as `too_large_message`."""
    return _("The photo {name} is too large ({size}); a photo may be at most {limit}. Choose a smaller photo, or "
             "take it again with your phone's camera.").format(name=name, size=size, limit=limit)


def _check_size(name: str, size: int, spec: dict[str, Any], kind: str | None) -> None:
    limit = arrival_limit(spec, kind)
    if size <= limit:
        return
    photo = kind in PHOTO_KINDS
    message = photo_too_large_message if photo else too_large_message
    raise ValidationError(message(name=name, size=human_bytes(size), limit=human_bytes(limit)),
                          code="photo_too_large" if photo else "file_too_large")


def document_precheck(*, spec: dict[str, Any], name: str, size: int, head: bytes | None) -> str | None:
    """What can be known of a file before its bytes are sent: its type from its first bytes (`head`, 4 KB
    suffice) and its declared `size` against the limit for that type (a PDF the document's limit, a photo the
    photo limit); without `head` (None) the type is not known yet and the size is checked against the largest
    limit. Returns the kind (None without `head`); raises the same ValidationError as `document_check` would on
    the whole file. The whole file is still checked when it arrives."""
    original = sanitise_name(name or "dokumen")
    allowed = _allowed(spec.get("types") or ["pdf", "jpg", "png"])
    if head is None:
        _check_size(original, size, spec, None)
        return None
    if size <= 0 or not head:
        raise ValidationError(_("The file {name} is empty.").format(name=original), code="file_empty")
    kind = detect_kind(head[:4096])
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("The file {name} cannot be opened as {types}. Take a photo of the document with your phone, or "
              "choose another file.").format(name=original, types="/".join(_shown_types(spec, allowed))),
            code="file_type",
        )
    _check_size(original, size, spec, kind)
    return kind


def document_check(*, upload: Any, spec: dict[str, Any], name: str | None = None) -> CheckedFile:
    """Check one upload against a document spec; raises ValidationError with a message naming the file."""
    original = sanitise_name(name or getattr(upload, "name", "") or "dokumen")
    size = getattr(upload, "size", None)
    if size is not None and hasattr(upload, "seek"):  # refused from its first bytes, before reading it all
        upload.seek(0)
        head = upload.read(4096)
        document_precheck(spec=spec, name=original, size=size, head=head if isinstance(head, bytes) else None)
    content = _read(upload)
    kind = document_precheck(spec=spec, name=original, size=len(content), head=content[:4096]) or ""
    if kind == "pdf":
        _check_pdf(content, original)
    else:
        content, kind = _reencode(content, kind, original, limit=document_limit(spec),
                                  allowed=_allowed(spec.get("types") or ["pdf", "jpg", "png"]))
    _clamd_scan(content, original)
    stem = original.rsplit(".", 1)[0] if "." in original else original
    return CheckedFile(
        spec_code=str(spec.get("code") or ""),
        original_name=f"{stem}.{kind}",
        content=content,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        sha256=hashlib.sha256(content).hexdigest(),
    )


def document_store(checked: CheckedFile, *, folder: str = "cases") -> str:
    """Save the checked bytes under a random name; returns the storage name."""
    if checked.stored_name:
        return checked.stored_name
    token = secrets.token_hex(16)
    name = default_storage.save(f"{folder}/{token[:2]}/{token}.{checked.kind}", ContentFile(checked.content))
    checked.stored_name = name
    return name


def document_open(stored_name: str) -> Any:
    return default_storage.open(stored_name, "rb")


def document_delete(stored_name: str) -> None:
    if stored_name and default_storage.exists(stored_name):
        default_storage.delete(stored_name)
