"""The kind of values a column holds, guessed from an uploaded file's rows to fill in its description (MS-Var)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from simpul.opendata.tables import infer_type


@given(st.lists(st.integers(min_value=-10**12, max_value=10**12), min_size=1))
def test_whole_numbers_written_plainly_are_integers(numbers):
    assert infer_type(str(n) for n in numbers) == "integer"
    assert infer_type(numbers) == "integer"  # as XLSX gives them


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1),
       st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda f: not f.is_integer()),
                min_size=1))
def test_a_column_of_whole_and_decimal_numbers_is_decimal(whole, decimals):
    assert infer_type([*(str(n) for n in whole), *(f"{f:.3f}" for f in decimals)]) == "decimal"
    assert infer_type([*whole, *decimals]) == "decimal"


@given(st.lists(st.integers(min_value=0, max_value=10**8), min_size=1), st.integers(min_value=1, max_value=5))
def test_numbers_with_a_leading_zero_are_codes(numbers, zeros):
    assert infer_type(["0" * zeros + str(n) for n in numbers]) == "string"


@given(st.lists(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), min_size=1))
def test_iso_dates_are_dates(days):
    assert infer_type(d.isoformat() for d in days) == "date"
    assert infer_type(days) == "date"


@given(st.lists(st.sampled_from(["ya", "tidak", "Ya", "TIDAK", "yes", "no", "true", "false"]), min_size=1))
def test_yes_and_no_words_are_booleans(words):
    assert infer_type(words) == "boolean"


@given(st.lists(st.one_of(st.none(), st.just(""), st.just("  ")), max_size=5))
def test_a_column_without_values_is_text(values):
    assert infer_type(values) == "string"


def test_region_codes_invalid_dates_and_mixed_columns_are_text():
    assert infer_type(["16.06.01", "16.06.02"]) == "string"
    assert infer_type(["2025-02-30"]) == "string"
    assert infer_type(["12", "ya"]) == "string"
    assert infer_type(["12", "", None, "7"]) == "integer"  # empty cells do not count
    assert infer_type(["3,5", "4"]) == "decimal"  # a decimal comma, as Indonesian spreadsheets write it
