from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simpul.assessment.frameworks import shipped_framework
from simpul.assessment.spbe import ScoreInputError, compute_index, parse_levels, read_levels_csv

SPEC = shipped_framework("spbe-2020")


def _mamuju_like():
    levels = {str(i): 2 for i in range(1, 11)}  # domain 1: all 2
    levels.update(dict(zip(map(str, range(11, 15)), [1, 2, 1, 2], strict=True)))  # Perencanaan 1.50
    levels.update(dict(zip(map(str, range(15, 19)), [1, 1, 1, 2], strict=True)))  # TIK 1.25
    levels.update({"19": 2, "20": 3})  # Penyelenggara 2.50
    levels.update(dict(zip(map(str, range(21, 29)), [1, 1, 1, 1, 1, 1, 2, 2], strict=True)))  # 1.25
    levels.update({"29": 1, "30": 1, "31": 1})  # Audit TIK 1.00
    levels.update({str(i): 3 for i in range(32, 48)})  # Layanan: all 3
    return levels


def test_weighted_mean_at_every_level_reproduces_the_mamuju_example():
    result = compute_index(SPEC, _mamuju_like())
    score = {s.code: s.score for s in result.sections}
    assert score["A2"] == Decimal("1.5") and score["A3"] == Decimal("1.25") and score["A4"] == Decimal("2.5")
    # Tata Kelola: (1.50*10 + 1.25*10 + 2.50*5) / 25 = 1.60
    assert score["D2"] == Decimal("1.6")
    # Manajemen: (1.25*12 + 1.00*4.5) / 16.5 = 1.18
    assert round(score["D3"], 2) == Decimal("1.18")
    # Index = (2*13 + 1.6*25 + 19.5 + 3*45.5) / 100 = 2.22, Cukup
    assert result.index == Decimal("2.22")
    assert result.predicate == "Cukup"


@pytest.mark.parametrize(
    ("value", "predicate"),
    [("5", "Memuaskan"), ("4.2", "Memuaskan"), ("4.19", "Sangat Baik"), ("3.5", "Sangat Baik"),
     ("3.49", "Baik"), ("2.6", "Baik"), ("2.59", "Cukup"), ("1.8", "Cukup"), ("1.79", "Kurang"), ("1", "Kurang")],
)
def test_predicates_at_the_band_edges(value, predicate):
    assert SPEC.predicate(Decimal(value)) == predicate


def test_an_index_landing_exactly_on_4_2_is_memuaskan():
    levels = {str(i): 4 for i in range(1, 48)}
    levels.update({str(i): 5 for i in range(11, 19)})  # +8 * 2.5 = +20 weight points
    result = compute_index(SPEC, levels)
    assert result.index == Decimal("4.2") and result.predicate == "Memuaskan"


def test_missing_indicators_leave_the_index_empty_and_are_listed():
    result = compute_index(SPEC, {"1": 3})
    assert result.index is None and len(result.missing) == 46
    assert next(s for s in result.sections if s.code == "A1").score == 3


def test_levels_outside_the_scale_or_unknown_indicators_are_refused():
    with pytest.raises(ScoreInputError) as exc:
        parse_levels(SPEC, {"1": "6", "99": "2", "2": "x"})
    assert len(exc.value.problems) == 3


def test_levels_csv_with_header_and_duplicate_rows():
    assert read_levels_csv("indicator_no,level\n1,3\n2,4\n") == {"1": "3", "2": "4"}
    with pytest.raises(ScoreInputError, match="given twice"):
        read_levels_csv("1,3\n1,4\n")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=47, max_size=47))
def test_index_equals_the_weighted_sum_and_the_domain_rollup(levels):
    by_code = {str(i + 1): v for i, v in enumerate(levels)}
    result = compute_index(SPEC, by_code)
    expected = sum(Fraction(str(item.weight)) * by_code[item.code] for item in SPEC.items) / 100
    assert Fraction(str(result.index)) == expected
    domains = [s for s in result.sections if s.level == "domain"]
    rollup = sum(Fraction(str(d.score)) * Fraction(str(d.weight)) for d in domains) / 100
    assert abs(rollup - expected) < Fraction(1, 10**20)
    assert 1 <= result.index <= 5
