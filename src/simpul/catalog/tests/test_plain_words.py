"""Citizens read service pages, forms and document lists: no developer's or administrator's words in them.
"The service time can be changed by an admin without changing the program" and "the tariff is recorded as data,
not here" told a citizen nothing she could use. This test reads every published service of the demo catalogue,
as data and as the rendered page, in both languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from simpul.catalog.models import Service

DEVELOPER_WORDS = re.compile(
    r"\b(admin|administrator|program|database|basis data|sebagai data|as data|json|yaml|slug|backend|server|"
    r"field|string|null|todo|lorem|placeholder|dummy|kode program|developer|pengembang)\b",
    re.IGNORECASE,
)


def _texts(value: Any) -> list[str]:
    """Every text a citizen can see in a version's data: names, descriptions, notes, labels, hints, choices."""
    shown = ("name_id", "name_en", "description_id", "description_en", "fee_note_id", "fee_note_en", "label_id",
             "label_en", "hint_id", "hint_en", "help_id", "help_en", "title_id", "title_en", "text_id", "text_en")
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in shown and isinstance(inner, str):
                found.append(inner)
            elif isinstance(inner, (dict, list)):
                found += _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _texts(inner)
    return found


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def test_no_published_service_speaks_to_citizens_in_developer_words(demo_catalog):
    offending = []
    for service in Service.objects.select_related("current_version"):
        version = service.current_version
        data = {"name_id": version.name_id, "name_en": version.name_en, "description_id": version.description_id,
                "description_en": version.description_en, "fee_note_id": version.fee_note_id,
                "fee_note_en": version.fee_note_en, "form": version.form, "documents": version.documents}
        offending += [(service.code, m.group(0), text[:80]) for text in _texts(data)
                      for m in [DEVELOPER_WORDS.search(text)] if m]
    assert offending == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_service_page_shows_developer_words(client, demo_catalog, prefix):
    offending = []
    for code in Service.objects.values_list("code", flat=True):
        page = client.get(f"{prefix}/layanan/{code}/")
        assert page.status_code == 200, code
        parser = _MainText()
        parser.feed(page.content.decode())
        text = " ".join(" ".join(parser.parts).split())
        offending += [(code, m.group(0)) for m in DEVELOPER_WORDS.finditer(text)]
    assert offending == []


def test_the_complaint_topics_are_told_apart_by_their_first_sentence_never_cut(client, demo_catalog):
    page = client.get("/pengaduan/").content.decode()
    assert "Sampaikan pengaduan tentang jalan rusak, jembatan, drainase, atau bangunan umum.</p>" in page
    assert "Sampaikan pengaduan tentang pelayanan publik lain yang tidak tercantum di atas.</p>" in page
    topics = page.split('<ul class="service-list">', 1)[1].split("</ul>", 1)[0]
    assert "…" not in topics and "SP4N-LAPOR!" not in topics
