"""The designer's changes to a definition and the differences it reports, on plain definitions."""

from __future__ import annotations

from types import SimpleNamespace

from simpul.catalog import designer as d
from simpul.catalog.forms_engine import definition_errors

FORM = {"pages": [
    {"key": "a", "title_id": "Satu", "fields": [{"name": "x", "type": "text", "label_id": "X"},
                                                 {"name": "y", "type": "yesno", "label_id": "Y"}]},
    {"key": "b", "title_id": "Dua", "fields": [{"name": "z", "type": "text", "label_id": "Z",
                                                 "show_if": {"field": "y", "equals": "yes"}}]},
]}


def version(form, documents=()):
    fields = dict.fromkeys(d.DETAIL_FIELDS, "")
    return SimpleNamespace(**fields, form=form, documents=list(documents))


def test_a_question_past_the_end_of_its_page_moves_to_the_next_page():
    moved = d.question_move(FORM, 0, 1, +1)
    assert [[f["name"] for f in p["fields"]] for p in moved["pages"]] == [["x"], ["y", "z"]]
    assert FORM["pages"][0]["fields"][1]["name"] == "y"  # the original is untouched
    assert d.question_move(FORM, 0, 0, -1) == FORM  # the very first question stays where it is


def test_moving_a_condition_after_its_question_is_an_engine_error_naming_the_question():
    broken = d.question_move(d.question_move(FORM, 0, 1, +1), 1, 0, +1)
    errors = d.readable_errors(definition_errors(form=broken, documents=[]), broken)
    assert len(errors) == 1 and errors[0].startswith("Halaman 2, pertanyaan 1 (“Z”): ")


def test_choices_keep_their_values_when_their_labels_stay():
    first = d.choices_from_text("Hilang | Lost\nRusak")
    assert [(c["value"], c["label_en"]) for c in first] == [("hilang", "Lost"), ("rusak", "")]
    again = d.choices_from_text("Rusak\nHilang\nLainnya", first)
    assert [c["value"] for c in again] == ["rusak", "hilang", "lainnya"]


def test_reorder_refuses_an_order_that_does_not_name_every_question_once():
    assert d.form_reorder(FORM, [["y", "x"], ["z"]])["pages"][0]["fields"][0]["name"] == "y"
    assert d.form_reorder(FORM, [["x", "x"], ["z"]]) is None
    assert d.form_reorder(FORM, [["x", "y", "z"]]) is None


def test_the_differences_are_said_in_words():
    new = d.question_set(d.question_move(FORM, 0, 0, +1), 1, None, {"name": "w", "type": "text", "label_id": "W"})
    new = d.page_update(new, 1, title_id="Dua baru")
    changes = d.version_diff(version(FORM), version(new, [{"code": "ktp", "label_id": "KTP"}]))
    assert changes == [
        "Halaman 2 sekarang berjudul “Dua baru”",
        "Pertanyaan “W” ditambahkan di halaman 2",
        "Urutan pertanyaan di halaman “Satu” berubah",
        "Dokumen “KTP” ditambahkan",
    ]
    assert d.version_diff(version(FORM), version(FORM)) == []
