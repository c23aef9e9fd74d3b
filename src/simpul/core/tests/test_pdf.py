"""The one PDF renderer: tagged PDF/UA-1 in the active language, described, fonts embedded; archival documents
PDF/A-3a as well; nothing fetched from the network."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.utils import translation

from simpul.core.pdf import PdfMetadata, pdf_render
from simpul.core.tests.pdfchecks import assert_accessible_pdf, weasyprint_complaints

TEMPLATES = {
    "pdf-test/page.html": (
        '<!doctype html><html lang="{{ LANGUAGE_CODE }}"><head><meta charset="utf-8"><title>{{ pdf.title }}</title>'
        "</head><body><h1>{{ heading }}</h1><p>{{ body }}</p>"
        '<table><caption>Jadwal</caption><thead><tr><th scope="col">Hari</th><th scope="col">Jam</th></tr></thead>'
        "<tbody><tr><td>Senin</td><td>08.00</td></tr></tbody></table></body></html>"
    ),
    "pdf-test/remote.html": (
        '<!doctype html><html lang="{{ LANGUAGE_CODE }}"><head><meta charset="utf-8"><title>{{ pdf.title }}</title>'
        '<link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><p>Logo</p><img src="https://cdn.example.org/logo.png" alt="Logo"></body></html>'
    ),
}


@pytest.fixture(autouse=True)
def _test_templates(settings: Any) -> None:
    settings.TEMPLATES = [*settings.TEMPLATES, {
        "BACKEND": "django.template.backends.django.DjangoTemplates", "NAME": "pdf-test",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
    }]


def _page(**kwargs: Any) -> bytes:
    return pdf_render(template="pdf-test/page.html", context={"heading": "Tanda terima", "body": "Isi surat."},
                      **kwargs)


def test_a_pdf_is_tagged_pdf_ua_titled_and_in_the_active_language(caplog: pytest.LogCaptureFixture) -> None:
    meta = PdfMetadata(title="Tanda terima MUBA-26-AB123-4", author="Dinas Kominfo", subject="KTP-el",
                       keywords=("tanda terima",))
    facts = assert_accessible_pdf(_page(metadata=meta), title="Tanda terima MUBA-26-AB123-4", lang="id")
    assert facts.info["Author"] == "Dinas Kominfo" and facts.info["Subject"] == "KTP-el"
    assert facts.info["Keywords"] == "tanda terima"
    assert "<dc:creator><rdf:Seq><rdf:li>Dinas Kominfo</rdf:li></rdf:Seq></dc:creator>" in facts.xmp
    assert "Tanda terima Isi surat. Jadwal Hari Jam Senin 08.00" in facts.text
    assert weasyprint_complaints(caplog) == []


def test_the_language_follows_the_active_language() -> None:
    with translation.override("en"):
        content = _page(metadata=PdfMetadata(title="Receipt"))
    assert_accessible_pdf(content, title="Receipt", lang="en")


def test_an_archival_pdf_is_pdf_a_3a_and_still_declares_pdf_ua() -> None:
    content = _page(metadata=PdfMetadata(title="Surat & keputusan", author="Dinas"), archival=True)
    facts = assert_accessible_pdf(content, title="Surat & keputusan", lang="id", archival=True)
    assert facts.xmp.count("<rdf:RDF") == 1  # one packet, the PDF/UA identifier inside it


def test_nothing_is_fetched_from_the_network(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
                                             ) -> None:
    lookups: list[str] = []

    def no_network(host: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(str(host))
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    content = pdf_render(template="pdf-test/remote.html", context={}, metadata=PdfMetadata(title="Logo"))
    assert lookups == []
    assert len(weasyprint_complaints(caplog)) == 2  # the stylesheet and the logo, refused: the page renders without
    assert_accessible_pdf(content, title="Logo", lang="id")
