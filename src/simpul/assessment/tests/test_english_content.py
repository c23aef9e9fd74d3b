"""Items carry their English text where the framework's data has it (a `text_en` key, an XLSForm's English label
column), and an English page shows the Indonesian text, marked as Indonesian, where it has none."""

from __future__ import annotations

import io

from django.template import Context, Template
from django.utils import translation
from openpyxl import Workbook

from simpul.assessment.frameworks import parse_framework, spec_to_definition
from simpul.assessment.xlsform import xlsform_to_definition


def _two_language_form() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label::Indonesian (id)", "label::English (en)", "required"])
    ws.append(["select_one imp", "k01", "Internet di kantor desa", "Internet at the village office", "yes"])
    ws.append(["text", "komentar", "Komentar", "", ""])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::Indonesian (id)", "label::English (en)"])
    for n, label in enumerate(["TP", "KP", "CP", "P", "SP"], start=1):
        choices.append(["imp", str(n), label, label])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Survei", "survei_en", "2026"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xlsform_english_label_column_becomes_the_items_english_text():
    spec = parse_framework(xlsform_to_definition(_two_language_form(), filename="survei.xlsx").definition)
    assert spec.item("k01").text == "Internet di kantor desa"
    assert spec.item("k01").text_en == "Internet at the village office"
    assert spec.item("komentar").text_en == ""
    # and it survives the definition kept with the framework
    again = parse_framework(spec_to_definition(spec))
    assert again.item("k01").text_en == "Internet at the village office"


class _Item:
    def __init__(self, text: str, text_en: str = "") -> None:
        self.text, self.text_en = text, text_en


def _render(item: _Item) -> str:
    return Template('{% load portal %}{% content item "text" %}').render(Context({"item": item}))


def test_an_english_page_shows_the_english_text_or_the_indonesian_one_marked():
    with translation.override("en"):
        assert _render(_Item("Internet di desa", "Internet in the village")) == "Internet in the village"
        assert _render(_Item("Internet di desa")) == (
            '<span lang="id">Internet di desa</span> <small class="untranslated">(in Indonesian)</small>')
    with translation.override("id"):
        assert _render(_Item("Internet di desa", "Internet in the village")) == "Internet di desa"
