"""The Indonesian catalogue of every app is complete: no empty and no fuzzy entry (STYLE.md)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE_DIR.glob("*/locale/id/LC_MESSAGES/django.po"))


def _problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        shown = po_path.relative_to(PACKAGE_DIR) if po_path.is_relative_to(PACKAGE_DIR) else po_path
        where = f"{shown}:{entry.linenum}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where} fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"{where} untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"{where} untranslated: {entry.msgid!r}")
    return problems


def test_core_has_an_indonesian_catalogue():
    assert PACKAGE_DIR / "core" / "locale" / "id" / "LC_MESSAGES" / "django.po" in CATALOGUES


def test_every_indonesian_catalogue_is_complete():
    problems = [problem for path in CATALOGUES for problem in _problems(path)]
    assert not problems, "Indonesian catalogue entries to translate or check:\n" + "\n".join(problems)


def test_the_problem_finder_reports_empty_and_fuzzy_entries(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Done", msgstr="Selesai"))
    po.append(polib.POEntry(msgid="Empty", msgstr=""))
    po.append(polib.POEntry(msgid="Unsure", msgstr="Ragu", flags=["fuzzy"]))
    path = tmp_path / "django.po"
    po.save(str(path))
    problems = _problems(path)
    assert len(problems) == 2
    assert any("untranslated: 'Empty'" in p for p in problems)
    assert any("fuzzy: 'Unsure'" in p for p in problems)


@pytest.mark.parametrize(
    ("source", "indonesian"),
    [("Re-send", "Kirim ulang"), ("Collective leave (cuti bersama)", "Cuti bersama")],
)
def test_core_strings_are_shown_in_indonesian(source, indonesian):
    with translation.override("id"):
        assert translation.gettext(source) == indonesian
