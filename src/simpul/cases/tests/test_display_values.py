"""Answers are shown as people write them: dates as "9 Desember 2026" (not 2026-12-09) and numbers with the
language's decimal sign ("7,5 m²" in Indonesian), on the review page, the tracking page and to the officer."""

from __future__ import annotations

import pytest
from django.utils import translation

from simpul.cases.display import display_answer


@pytest.mark.parametrize(("language", "spec", "value", "shown"), [
    ("id", {"type": "date"}, "2026-12-09", "9 Desember 2026"),
    ("en", {"type": "date"}, "2026-12-09", "9 December 2026"),
    ("id", {"type": "number"}, "7.5", "7,5"),
    ("en", {"type": "number"}, "7.5", "7.5"),
    ("id", {"type": "number"}, "12000", "12.000"),
    ("id", {"type": "number"}, "3.0", "3"),
    ("id", {"type": "date"}, "", "—"),
])
def test_dates_and_numbers_are_shown_in_the_pages_language(language, spec, value, shown):
    with translation.override(language):
        assert display_answer(spec, value) == shown


@pytest.mark.django_db
@pytest.mark.parametrize("nik", ["160601410190", "16060141019000011", "16060141x1900001"])
def test_a_wrong_nik_gets_one_error_for_one_mistake(personas, nik):
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service
    from simpul.catalog.forms_engine import validate_answers

    with translation.override("id"):
        _cleaned, errors = validate_answers(ktp_service(personas.dukcapil), {**VALID_ANSWERS, "nik": nik})
    assert len(errors["nik"]) == 1, errors["nik"]
