import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simpul.assessment import stats
from simpul.assessment.triangulation import (
    AGREEMENT,
    CONTRADICTS,
    DISSONANCE,
    PARTIAL,
    PARTIAL_AGREEMENT,
    SILENCE,
    SILENT,
    SUPPORTS,
    triangulate,
)


def test_likert_summary_of_a_small_item():
    s = stats.likert_summary([1, 2, 2, 3, 4, 5, 5, 5], [1, 2, 3, 4, 5])
    assert s.n == 8 and s.median == 3.5 and s.mode == 5 and s.top2 == 50.0
    assert s.distribution == {1: 1, 2: 2, 3: 1, 4: 1, 5: 3}
    assert s.q1 == 2.0 and s.q3 == 5.0 and s.iqr == 3.0


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=60))
def test_summary_from_counts_equals_summary_from_values(values):
    counts = {v: values.count(v) for v in set(values)}
    a = stats.likert_summary(values, [1, 2, 3, 4, 5])
    b = stats.likert_summary_from_counts(counts, [1, 2, 3, 4, 5])
    for field in ("n", "median", "q1", "q3", "mode", "top2"):
        assert getattr(a, field) == pytest.approx(getattr(b, field)), field
    assert a.mean == pytest.approx(b.mean) and a.sd == pytest.approx(b.sd)


def test_rwg_by_hand():
    # s^2 = 1/3, sigma_EU^2 = (25 - 1)/12 = 2 -> 1 - (1/3)/2
    assert stats.rwg([4, 4, 5, 5]) == pytest.approx(1 - (1 / 3) / 2)
    assert stats.rwg([1, 5, 1, 5]) == 0.0  # s^2 > 2: set to 0
    assert stats.rwg([3]) is None


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=0, max_size=40))
def test_rwg_from_counts_equals_rwg_on_values(values):
    counts = {v: values.count(v) for v in set(values)}
    a, b = stats.rwg(values), stats.rwg_from_counts(counts)
    assert (a is None and b is None) or a == pytest.approx(b)


def test_class_bands_of_means():
    bands = [("TP", 1.80), ("KP", 2.60), ("CP", 3.40), ("P", 4.20), ("SP", 5.00)]
    assert [stats.class_band(m, bands) for m in (1.0, 1.80, 1.81, 3.41, 4.20, 4.21, 5.0)] == [
        "TP", "TP", "KP", "P", "P", "SP", "SP"]


def test_ipa_quadrants_tk_and_gaps_on_a_known_table():
    res = stats.ipa(["A", "B", "C", "D"], [10, 9, 4, 5], [4, 9, 4, 9], [2, 2, 2, 2], crosshair="data")
    assert res.y_cross == pytest.approx(3.5) and res.x_cross == pytest.approx(3.25)
    rows = {r.code: r for r in res.rows}
    assert [rows[c].quadrant for c in "ABCD"] == ["I", "II", "III", "IV"]
    assert [rows[c].tk for c in "ABCD"] == pytest.approx([40.0, 100.0, 100.0, 180.0])
    assert rows["A"].gap == pytest.approx(3.0)
    assert rows["A"].weighted_gap == pytest.approx(5 / 14 * 3)
    assert rows["A"].diagonal == pytest.approx(3 / math.sqrt(2))


def test_ipa_crosshair_choice_moves_items_between_quadrants():
    args = (["A", "B"], [6.4, 8.0], [6.2, 4.0], [2, 2])  # means A (3.2, 3.1), B (4.0, 2.0)
    data = {r.code: r.quadrant for r in stats.ipa(*args, crosshair="data").rows}
    mid = {r.code: r.quadrant for r in stats.ipa(*args, crosshair="midpoint").rows}
    assert data["A"] == "IV" and mid["A"] == "II"  # data crosshair: Y 3.6, X 2.55


def test_cohen_kappa_by_hand():
    a = [1, 1, 0, 0, 1, 0, 1, 1, 0, 1]
    b = [1, 0, 0, 0, 1, 0, 1, 1, 1, 1]
    # p_o = .8, p_e = .6*.6 + .4*.4 = .52 -> (.8 - .52) / .48
    assert stats.cohen_kappa(a, b) == pytest.approx(0.28 / 0.48)
    assert stats.cohen_kappa([1, 1], [1, 1]) is None


def test_weighted_kappa_quadratic_by_hand():
    # sum w*o = 1/3, sum w*e = 5/3 -> 1 - 0.2
    assert stats.weighted_kappa([1, 2, 3], [1, 3, 3], categories=[1, 2, 3]) == pytest.approx(0.8)


def test_weighted_kappa_equals_cohen_when_linear_on_two_categories():
    a, b = [1, 1, 2, 2, 1], [1, 2, 2, 2, 1]
    assert stats.weighted_kappa(a, b, categories=[1, 2], weights="linear") == pytest.approx(stats.cohen_kappa(a, b))


def test_krippendorff_alpha_nominal_by_hand():
    # coincidences: o11 = 2, o10 = o01 = 1, o00 = 4; D_o = 2/8, D_e = 2*5*3/(8*7) -> 1 - 14/30
    data = np.array([[1, 1, 0, 0], [1, 0, 0, 0]], dtype=float)
    assert stats.krippendorff_alpha(data) == pytest.approx(1 - 14 / 30)


def test_fleiss_kappa_matches_cohen_style_hand_value():
    # 3 units, 2 raters, 2 categories: (2,0), (0,2), (1,1): P_i = 1, 1, 0; p_j = .5, .5
    assert stats.fleiss_kappa(np.array([[2, 0], [0, 2], [1, 1]])) == pytest.approx((2 / 3 - 0.5) / 0.5)


@pytest.mark.parametrize(("alpha", "verdict"), [(0.80, "reliable"), (0.7999, "tentative"), (0.667, "tentative"),
                                                 (0.6669, "reject"), (None, "")])
def test_alpha_thresholds(alpha, verdict):
    assert stats.alpha_verdict(alpha) == verdict


def test_landis_koch_bands():
    assert [stats.landis_koch(k) for k in (-0.1, 0.1, 0.3, 0.5, 0.7, 0.9)] == [
        "poor", "slight", "fair", "moderate", "substantial", "almost perfect"]


@pytest.mark.parametrize(
    ("cells", "status", "confirmed"),
    [
        ([SUPPORTS, SUPPORTS], AGREEMENT, True),
        ([SUPPORTS, SUPPORTS, SUPPORTS], AGREEMENT, True),
        ([SUPPORTS, PARTIAL], PARTIAL_AGREEMENT, False),
        ([SUPPORTS, SUPPORTS, PARTIAL], PARTIAL_AGREEMENT, True),
        ([SUPPORTS, SILENT], SILENCE, False),
        ([SUPPORTS, SUPPORTS, SILENT], SILENCE, True),
        ([SUPPORTS], SILENCE, False),
        ([SUPPORTS, SUPPORTS, CONTRADICTS], DISSONANCE, False),
        ([SUPPORTS, CONTRADICTS], DISSONANCE, False),
    ],
)
def test_triangulation_status_rules(cells, status, confirmed):
    verdict = triangulate(cells)
    assert verdict.status == status and verdict.confirmed is confirmed


def test_dissonance_needs_a_reconciliation_note():
    assert triangulate([SUPPORTS, CONTRADICTS]).needs_note is True
    assert triangulate([SUPPORTS, CONTRADICTS], note="Observed in 2 of 15 kecamatan only").needs_note is False
    with pytest.raises(ValueError):
        triangulate(["maybe"])


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5), st.integers(1, 5)), min_size=6, max_size=40))
def test_vectorised_counts_and_rwg_match_the_plain_versions(rows):
    groups = np.array([r[0] for r in rows])
    answers = np.array([[r[1], r[2]] for r in rows])
    counts = stats.counts_matrix(answers, 5)
    assert counts[0, 1:].tolist() == [int((answers[:, 0] == v).sum()) for v in range(1, 6)]
    fast = stats.rwg_j_by_group(answers, groups)
    for g in range(int(groups.max()) + 1):
        plain = stats.rwg_j(answers[groups == g]) if (groups == g).sum() >= 2 else None
        assert (fast[g] is None and plain is None) or fast[g] == pytest.approx(plain)


def test_wilcoxon_signed_rank_by_hand():
    # pairs (I, P): d = 2, 1, 1, -1, 0 -> non-zero n = 4; |d| = 1 (x3, ranks 1..3 -> 2), 2 (rank 4)
    # W+ = 2 + 2 + 4 = 8; mean = 4*5/4 = 5; var = 4*5*9/24 - (27 - 3)/48 = 7.5 - 0.5 = 7
    z, p = stats.wilcoxon_signed_rank({(5, 3): 1, (4, 3): 2, (3, 4): 1, (4, 4): 1})
    assert z == pytest.approx(3 / math.sqrt(7))
    assert p == pytest.approx(math.erfc(abs(3 / math.sqrt(7)) / math.sqrt(2)))
    assert stats.wilcoxon_signed_rank({(3, 3): 5}) == (None, None)
