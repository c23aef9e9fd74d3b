"""Previews of uploaded documents: a stored file (a photo or a PDF) turned into a plain PNG on the server.

A preview never serves the uploaded bytes: an image is decoded and encoded again (its metadata, any trailing
payload and any other format's tricks are gone), and a PDF's page is drawn into pixels by poppler's `pdftoppm`
(Debian's poppler-utils) in a separate process with a time limit, so nothing of the PDF (scripts, forms, links)
reaches the browser. The views serve the PNG with `Content-Disposition: inline`, `nosniff` and a
`default-src 'none'` policy (`preview_response`).

`render_preview(stored_file)` is the one function the doors call: the back office for a case's documents, and
the citizen's draft pages (through `preview_png`, a phone-sized thumbnail, and `file_facts`). `stored_file` is an open file, the bytes themselves, or the name of a file
in the default storage.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.files.storage import default_storage
from django.http import HttpResponse
from PIL import Image, ImageOps

from simpul.core.files import human_bytes

THUMBNAIL_WIDTH = 360  # pixels: a draft's thumbnail, a phone's width
PREVIEW_WIDTH = 1000  # pixels: enough to read a scanned form on a wide screen, small enough for a slow link
MAX_SOURCE_PIXELS = 60_000_000  # a decompression bomb is refused, not drawn
TIMEOUT_SECONDS = 20
PDF_MAGIC = b"%PDF-"


class PreviewUnavailable(Exception):
    """The file cannot be shown as a picture (not an image or PDF, damaged, or poppler missing)."""


def _read(stored_file: IO[bytes] | bytes | str) -> bytes:
    if isinstance(stored_file, bytes):
        return stored_file
    if isinstance(stored_file, str):
        with default_storage.open(stored_file, "rb") as handle:
            return bytes(handle.read())
    stored_file.seek(0)
    return bytes(stored_file.read())


def _png(image: Image.Image, width: int) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _image(data: bytes, width: int) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG") or image.width * image.height > MAX_SOURCE_PIXELS:
                raise PreviewUnavailable(image.format or "")
            image.load()
            return _png(image, width)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PreviewUnavailable(str(exc)) from None


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise PreviewUnavailable(f"{tool} is not installed (Debian: poppler-utils)")
    return found


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF, read by poppler's `pdfinfo`."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(  # noqa: S603 - fixed tool, a file we wrote
                [_poppler("pdfinfo"), str(source)], capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
            )
        except subprocess.TimeoutExpired:
            raise PreviewUnavailable("pdfinfo timed out") from None
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            return max(1, int(line.split(":", 1)[1].strip() or 1))
    raise PreviewUnavailable("not a readable PDF")


def _pdf(data: bytes, page: int, width: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603 - fixed tool and arguments, a file we wrote
                [_poppler("pdftoppm"), "-f", str(page), "-l", str(page), "-singlefile", "-png",
                 "-scale-to-x", str(width), "-scale-to-y", "-1", str(source), str(Path(folder) / "page")],
                capture_output=True, timeout=TIMEOUT_SECONDS, check=True,
            )
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
            raise PreviewUnavailable("pdftoppm could not draw the page") from None
        drawn = Path(folder) / "page.png"
        if not drawn.exists():
            raise PreviewUnavailable("no such page")
        return _image(drawn.read_bytes(), width)  # decoded and encoded again, like every image


def page_count(stored_file: IO[bytes] | bytes | str) -> int:
    """How many pages `render_preview` can draw: a PDF's pages, 1 for an image."""
    data = _read(stored_file)
    return pdf_page_count(data) if data.startswith(PDF_MAGIC) else 1


def render_preview(stored_file: IO[bytes] | bytes | str, *, page: int = 1, width: int = PREVIEW_WIDTH) -> bytes:
    """Page `page` (from 1) of `stored_file` as a PNG at most `width` pixels wide; PreviewUnavailable when the
    file is neither a JPEG, a PNG nor a PDF, is damaged, or has no such page."""
    data = _read(stored_file)
    if page < 1:
        raise PreviewUnavailable("no such page")
    if data.startswith(PDF_MAGIC):
        return _pdf(data, page, width)
    if page != 1:
        raise PreviewUnavailable("an image has one page")
    return _image(data, width)


def preview_response(png: bytes, **headers: Any) -> HttpResponse:
    """A PNG preview as the browser must get it: shown inline, never sniffed as anything else, allowed to load
    nothing, kept in no shared cache."""
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="preview.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def pdftoppm_available() -> bool:
    """Whether a PDF's page can be drawn here (poppler's `pdftoppm` installed)."""
    return shutil.which("pdftoppm") is not None


def preview_png(*, stored_name: str, width: int = THUMBNAIL_WIDTH) -> bytes | None:
    """The first page of one stored document as a PNG at most `width` wide, or None when none can be drawn."""
    if not stored_name:
        return None
    try:
        return render_preview(stored_name, width=width)
    except (OSError, PreviewUnavailable):
        return None


@dataclass(frozen=True)
class FileFacts:
    """What the page says of an uploaded file besides its picture."""

    name: str
    kind: str
    size: str
    pages: int | None = None  # a PDF's page count (None when unknown or not a PDF)


def _pdf_pages(stored_name: str) -> int | None:
    try:
        return page_count(stored_name) if stored_name else None
    except (OSError, PreviewUnavailable):
        return None


def file_facts(data: dict[str, Any]) -> FileFacts:
    """Name, kind, size (as a person reads it) and, for a PDF, pages of a draft's stored document."""
    kind = str(data.get("kind") or "")
    return FileFacts(
        name=str(data.get("original_name") or ""), kind=kind, size=human_bytes(int(data.get("size") or 0)),
        pages=_pdf_pages(str(data.get("stored_name") or "")) if kind == "pdf" else None,
    )
