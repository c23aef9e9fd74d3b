"""Previews of a draft's uploaded documents, before the application is sent: always a picture the server drew,
never the uploaded bytes.

A photo's preview is a small PNG made from the stored image (already decoded and re-encoded by
`simpul.core.files` when it arrived); a PDF's is its first page drawn by poppler's `pdftoppm` (Debian's
poppler-utils, run without network in a temporary folder, with a time limit), then opened and written again by
Pillow, so what leaves the server is a PNG Pillow wrote, whatever the file held. When no picture can be drawn
(no `pdftoppm` on the machine, an unreadable file), the page shows the file's name, pages and size instead.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

from simpul.core.files import document_open, human_bytes

PREVIEW_SIDE = 360  # pixels: the longest side of a preview (a phone's width)
PDFTOPPM_SECONDS = 10
PDF_PAGE_SIZE_LIMIT = 25 * 1024 * 1024


@dataclass(frozen=True)
class FileFacts:
    """What the page says of an uploaded file besides its picture."""

    name: str
    kind: str
    size: str
    pages: int | None = None  # a PDF's page count (None when unknown or not a PDF)


def _stored_bytes(stored_name: str) -> bytes:
    with document_open(stored_name) as handle:
        data: bytes = handle.read(PDF_PAGE_SIZE_LIMIT + 1)
    return data


def _png(image: Image.Image) -> bytes:
    """`image` as a small PNG written by Pillow (RGB, no metadata)."""
    image = image.convert("RGBA") if image.mode in ("P", "PA", "LA") else image
    if image.mode == "RGBA":
        white = Image.new("RGB", image.size, (255, 255, 255))
        white.paste(image, mask=image.getchannel("A"))
        image = white
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _image_preview(content: bytes) -> bytes | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in ("JPEG", "PNG", "WEBP"):
                    return None
                image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))
                image.load()
                return _png(image)
    except Exception:
        return None


def pdftoppm_available() -> bool:
    return shutil.which("pdftoppm") is not None


def _pdf_first_page(content: bytes) -> bytes | None:
    """The PDF's first page drawn by pdftoppm, read back and written again by Pillow; None when it cannot be."""
    program = shutil.which("pdftoppm")
    if program is None or not content.startswith(b"%PDF-"):
        return None
    with tempfile.TemporaryDirectory(prefix="simpul-preview-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(content)
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments, the file is ours
                [program, "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", str(PREVIEW_SIDE),
                 str(source), str(Path(folder) / "page")],
                check=True, capture_output=True, timeout=PDFTOPPM_SECONDS,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        drawn = Path(folder) / "page.png"
        if not drawn.exists():
            return None
        return _image_preview(drawn.read_bytes())


def preview_png(*, stored_name: str, kind: str) -> bytes | None:
    """The preview of one stored document as PNG bytes drawn on the server, or None when none can be drawn."""
    if not stored_name:
        return None
    try:
        content = _stored_bytes(stored_name)
    except OSError:
        return None
    if kind == "pdf":
        return _pdf_first_page(content) if len(content) <= PDF_PAGE_SIZE_LIMIT else None
    return _image_preview(content)


def _pdf_pages(stored_name: str) -> int | None:
    try:
        with pikepdf.open(io.BytesIO(_stored_bytes(stored_name))) as pdf:
            return len(pdf.pages)
    except Exception:
        return None


def file_facts(data: dict[str, Any]) -> FileFacts:
    """Name, kind, size (as a person reads it) and, for a PDF, pages of a draft's stored document."""
    kind = str(data.get("kind") or "")
    return FileFacts(
        name=str(data.get("original_name") or ""), kind=kind, size=human_bytes(int(data.get("size") or 0)),
        pages=_pdf_pages(str(data.get("stored_name") or "")) if kind == "pdf" else None,
    )
