"""What the tests of every app that renders a PDF check about it, with the tools a reader's machine would use:
poppler's `pdfinfo` (tagging, title, the XMP packet), `pdffonts` (every font embedded) and `pdftotext` (what a
person reads), and pikepdf for the catalogue (`/Lang`, `/MarkInfo`, `/ViewerPreferences`, output intents).

Poppler comes from Debian's poppler-utils (`.ci/run` installs it). Without it the checks are skipped with that
reason on a developer's machine, and fail in CI."""

from __future__ import annotations

import html
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

POPPLER = ("pdfinfo", "pdffonts", "pdftotext")


@dataclass(frozen=True)
class Font:
    name: str
    embedded: bool


@dataclass(frozen=True)
class PdfFacts:
    info: dict[str, str]  # pdfinfo's "Key: value" lines
    xmp: str  # pdfinfo -meta
    fonts: list[Font]
    text: str  # pdftotext, whitespace collapsed
    lang: str
    marked: bool
    display_doc_title: bool
    output_intents: list[str]
    pdfa_status: str  # "3A" for PDF/A-3a, as pikepdf reads it from the parsed XMP; "" when not PDF/A


def _need_poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed (apt-get install poppler-utils)"
    if os.environ.get("CI"):
        pytest.fail(message + ": CI must install poppler-utils (see .ci/run)")
    pytest.skip(message + ": PDF checks skipped")


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def pdf_facts(content: bytes) -> PdfFacts:
    """Everything the checks below look at, read from the PDF's bytes."""
    _need_poppler()
    assert content.startswith(b"%PDF-"), content[:40]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        info = dict(re.findall(r"^([^:\n]+):\s*(.*)$", _run("pdfinfo", str(path)), re.M))
        xmp = _run("pdfinfo", "-meta", str(path))
        # name, type (one or two words), encoding, emb, sub, uni, object id: "emb" is the 5th column from the end
        fonts = [Font(name=line.split()[0], embedded=line.split()[-5] == "yes")
                 for line in _run("pdffonts", str(path)).splitlines()[2:] if line.strip()]
        text = " ".join(_run("pdftotext", "-enc", "UTF-8", str(path), "-").split())
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root
        viewer = root.get("/ViewerPreferences")
        intents = [str(i.get("/S")) for i in root.get("/OutputIntents", [])]
        pdfa_status = pdf.open_metadata().pdfa_status  # read only: never saved
        return PdfFacts(
            info=info, xmp=xmp, fonts=fonts, text=text, lang=str(root.get("/Lang", "")),
            marked=bool(root.get("/MarkInfo") is not None and root.MarkInfo.get("/Marked", False)
                        and root.get("/StructTreeRoot") is not None),
            display_doc_title=bool(viewer is not None and viewer.get("/DisplayDocTitle", False)),
            output_intents=intents, pdfa_status=pdfa_status,
        )


def weasyprint_complaints(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What WeasyPrint warned about while rendering (a figure without alternative text, a missing image, CSS it
    ignored): every PDF of Simpul renders with none."""
    return [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]


def assert_accessible_pdf(content: bytes, *, title: str, lang: str, archival: bool = False) -> PdfFacts:
    """A tagged PDF/UA-1 file titled `title` in language `lang`, every font embedded; with `archival`, also a
    PDF/A-3a file (identifier, extension schema for the PDF/UA property, sRGB output intent)."""
    facts = pdf_facts(content)
    assert facts.info["Tagged"] == "yes"
    assert facts.info["Title"] == title
    assert facts.marked and facts.display_doc_title
    assert facts.lang == lang
    assert facts.fonts and [f.name for f in facts.fonts if not f.embedded] == []
    assert 'pdfuaid:part="1"' in facts.xmp
    assert f'<rdf:li xml:lang="x-default">{html.escape(title, quote=False)}</rdf:li>' in facts.xmp  # dc:title
    if archival:
        assert facts.pdfa_status == "3A"
        assert 'pdfaid:part="3"' in facts.xmp and 'pdfaid:conformance="A"' in facts.xmp
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in facts.xmp
        assert facts.output_intents == ["/GTS_PDFA1"]
        assert facts.info["PDF version"] == "1.7"
    else:
        assert facts.pdfa_status == "" and "pdfaid:" not in facts.xmp
    return facts
