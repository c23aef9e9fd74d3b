"""Small-count suppression: no count below 5 is published or can be worked out from a published total."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simpul.opendata.suppression import FLAG, THRESHOLD, complementary, guarded, suppress_cells


def test_primary_suppression_flags_1_to_4_and_keeps_zero_and_5():
    rows = [{"n": v} for v in (0, 1, 4, 5, 12)]
    suppress_cells(rows, column="n")
    assert [r["n"] for r in rows] == [0, None, None, 5, 12]
    assert [r["n_flag"] for r in rows] == ["", FLAG, FLAG, "", ""]


def test_one_small_cell_under_a_published_total_takes_a_second_cell_with_it():
    # Total 15 is published elsewhere; hiding only the 2 would let 15 - 6 - 7 = 2 be computed.
    rows = [{"g": "a", "n": 2}, {"g": "a", "n": 6}, {"g": "a", "n": 7}]
    suppress_cells(rows, column="n", group=lambda r: r["g"])
    assert [r["n"] for r in rows] == [None, None, 7]


def test_two_small_cells_summing_below_threshold_take_a_third():
    rows = [{"g": "a", "n": 1}, {"g": "a", "n": 1}, {"g": "a", "n": 8}, {"g": "a", "n": 9}]
    suppress_cells(rows, column="n", group=lambda r: r["g"])
    assert [r["n"] for r in rows] == [None, None, None, 9]


def test_rates_of_small_groups_are_hidden():
    assert guarded(80.0, 4) == (None, FLAG)
    assert guarded(80.0, 5) == (80.0, "")


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12))
def test_no_total_reveals_a_small_cell(counts):
    rows = [{"g": "x", "n": c} for c in counts]
    suppress_cells(rows, column="n", group=lambda r: r["g"])
    visible = [r["n"] for r in rows if r["n"] is not None]
    hidden = [c for c, r in zip(counts, rows, strict=True) if r["n"] is None]
    # every published count is at least the threshold
    assert all(v >= THRESHOLD for v in visible)
    # what the total minus the visible cells reveals is either nothing, or a sum of two or more hidden cells
    # that together reach the threshold (or the whole group, whose own total is suppressed)
    if hidden:
        assert len(hidden) >= 2 or sum(counts) < THRESHOLD
        assert sum(hidden) >= THRESHOLD or len(hidden) == len(counts)


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=10))
def test_complementary_keeps_already_hidden(counts):
    members = list(range(len(counts)))
    hidden = {i for i, c in enumerate(counts) if 0 < c < THRESHOLD}
    assert hidden <= (complementary(members, counts, hidden) | (set() if hidden else hidden))
