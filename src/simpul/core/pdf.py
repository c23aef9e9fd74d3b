"""Rendering PDFs: the one place every PDF Simpul makes goes through (receipts, decision letters, reports).

`pdf_render(template=..., context=..., metadata=PdfMetadata(...), archival=False)` renders a Django template with
WeasyPrint and returns the PDF's bytes. Every PDF it makes is:

- **tagged PDF/UA-1** (ISO 14289-1): a structure tree a screen reader follows (headings, paragraphs, lists,
  tables with header cells, figures with their alternative text), `/MarkInfo`, and the PDF/UA identifier in the
  XMP metadata;
- **in the active language**: the template gets `LANGUAGE_CODE` for `<html lang>`, and the catalogue's `/Lang`
  is set to the same tag, so a reader speaks Indonesian words with Indonesian rules;
- **described**: title, author and subject in both the document information and the XMP metadata, and the
  viewer is asked to show the title rather than the file name (`/DisplayDocTitle`, required by PDF/UA);
- **self-contained**: every font is embedded (WeasyPrint embeds subsets of the system's fonts; DejaVu on
  Debian), and only `data:` and local `file:` URLs are ever fetched, never the network.

With `archival=True` (a decision letter: kept as the record of the decision) the PDF is **PDF/A-3a** (ISO 19005-3
level A: archival, with an sRGB output intent, and tagged) and still declares PDF/UA-1: WeasyPrint's `pdf/a-3a`
variant writes the structure tree and the PDF/A identifier, and this module adds the PDF/UA identifier to the
same XMP packet together with the PDF/A extension schema that PDF/A requires for any property outside its own
schemas. PDF/A-3 rather than PDF/A-2 leaves room to embed the decision's machine-readable data later; level A
rather than level B because a level-B file need not be tagged, and the letter must stay readable by a screen
reader. (WeasyPrint offers one `pdf_variant` at a time, so PDF/A + PDF/UA is `pdf/a-3a` plus that addition.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

import pydyf
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML, URLFetcher
from weasyprint.document import Document

ACCESSIBLE_VARIANT = "pdf/ua-1"
ARCHIVAL_VARIANT = "pdf/a-3a"

# Only inline data and the installation's own files; a PDF never waits on (or leaks to) the network.
ALLOWED_PROTOCOLS = ("data", "file")

# The PDF/UA identification schema, declared as a PDF/A extension schema (ISO 19005-2/3, 6.6.2.3), then used.
_PDFUA_IN_PDFA = b"""<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 to which the file conforms</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
  xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
"""
_RDF_END = b"</rdf:RDF>"
ARCHIVE_NS = "https://simpul.invalid/ns/arsip/1.0/"
ARCHIVE_PREFIX = "arsip"
_SCHEMAS_END = b"</rdf:Bag></pdfaExtension:schemas>"


def _archive_xmp(properties: tuple[tuple[str, str], ...]) -> tuple[bytes, bytes]:
    """(the extension schema's `rdf:li`, the `rdf:Description` with the values) of the archive properties."""
    fields = "".join(
        f"<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{escape(name)}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(name)}</pdfaProperty:description></rdf:li>"
        for name, _ in properties)
    schema = (f"<rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>Simpul archive record</pdfaSchema:schema>"
              f"<pdfaSchema:namespaceURI>{ARCHIVE_NS}</pdfaSchema:namespaceURI>"
              f"<pdfaSchema:prefix>{ARCHIVE_PREFIX}</pdfaSchema:prefix>"
              f"<pdfaSchema:property><rdf:Seq>{fields}</rdf:Seq></pdfaSchema:property></rdf:li>")
    values = "".join(f"<{ARCHIVE_PREFIX}:{name}>{escape(value)}</{ARCHIVE_PREFIX}:{name}>"
                     for name, value in properties)
    description = (f'<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" '
                   f'xmlns:{ARCHIVE_PREFIX}="{ARCHIVE_NS}">{values}</rdf:Description>\n')
    return schema.encode(), description.encode()


@dataclass(frozen=True)
class PdfMetadata:
    """What a PDF says about itself: shown by viewers, read by screen readers and archives, searched by DMSs."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
    # Archive properties of an archival PDF (name, value): a record's classification code, security
    # classification, retention. Written in the XMP packet under `ARCHIVE_NS`, declared as a PDF/A extension schema.
    archive: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def pdf_render(
    *,
    template: str,
    context: dict[str, Any],
    metadata: PdfMetadata,
    archival: bool = False,
    request: HttpRequest | None = None,
    created: datetime | None = None,
) -> bytes:
    """The template rendered as a tagged PDF/UA-1 (or PDF/A-3a with PDF/UA-1 when `archival`) in the active
    language. The template gets `LANGUAGE_CODE` and `pdf` (the metadata) besides `context`."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    html = render_to_string(template, {**context, "LANGUAGE_CODE": language, "pdf": metadata}, request=request)
    variant = ARCHIVAL_VARIANT if archival else ACCESSIBLE_VARIANT
    source = HTML(string=html, base_url=str(settings.STATIC_ROOT),
                  url_fetcher=URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS))
    document = source.render(pdf_variant=variant)
    stamp = timezone.localtime(created or timezone.now()).replace(microsecond=0).isoformat()
    info = document.metadata
    info.title = metadata.title
    info.authors = [metadata.author] if metadata.author else []
    info.description = metadata.subject or None
    info.keywords = list(metadata.keywords)
    info.lang = language
    info.generator = "Simpul"
    info.created = info.modified = stamp
    finisher = partial(_archival_finisher, archive=metadata.archive) if archival else _finisher
    return bytes(document.write_pdf(pdf_variant=variant, finisher=finisher))


def _finisher(document: Document, pdf: pydyf.PDF) -> None:
    """Ask viewers to show the document's title in the window bar (PDF/UA-1, 7.1)."""
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


def _archival_finisher(document: Document, pdf: pydyf.PDF, *, archive: tuple[tuple[str, str], ...] = ()) -> None:
    """The PDF/A-3a file also declares PDF/UA-1 (and its archive properties), in the one XMP packet WeasyPrint
    wrote."""
    _finisher(document, pdf)
    stream = next(o for o in pdf.objects if isinstance(o, pydyf.Stream) and o.extra.get("Type") == "/Metadata")
    packet = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)
    head, end, tail = packet.rpartition(_RDF_END)
    if not end:
        raise ValueError("the PDF's XMP packet has no rdf:RDF element")
    addition = _PDFUA_IN_PDFA
    if archive:
        schema, description = _archive_xmp(archive)
        addition = addition.replace(_SCHEMAS_END, schema + _SCHEMAS_END) + description
    stream.stream = [head + addition + end + tail]
