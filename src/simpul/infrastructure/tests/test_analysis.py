"""Availability from probe series with gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from simpul.infrastructure.analysis import availability

T0 = datetime(2026, 1, 1, tzinfo=UTC)
H = timedelta(hours=1)


def test_gap_longer_than_max_gap_is_unknown_not_down() -> None:
    # up at 0h and 1h, silent from 2h to 8h, down at 8h and 9h; period 0h–10h, max gap 1h
    samples = [(T0, True), (T0 + H, True), (T0 + 8 * H, False), (T0 + 9 * H, False)]
    a = availability(samples, start=T0, end=T0 + 10 * H, max_gap=H)
    assert a.known_seconds == 4 * 3600
    assert a.up_seconds == 2 * 3600
    assert a.ratio == 0.5
    assert a.known_ratio == 0.4


def test_sample_before_the_period_carries_into_it() -> None:
    a = availability([(T0 - timedelta(minutes=30), False)], start=T0, end=T0 + H, max_gap=H)
    assert a.known_seconds == 1800
    assert a.ratio == 0.0


def test_no_samples_means_unknown() -> None:
    a = availability([], start=T0, end=T0 + H, max_gap=H)
    assert a.ratio is None
    assert a.known_ratio == 0.0


@given(st.lists(st.tuples(st.integers(min_value=-120, max_value=720), st.booleans()), max_size=40),
       st.integers(min_value=1, max_value=240))
def test_ratios_stay_between_zero_and_one(offsets: list[tuple[int, bool]], gap_minutes: int) -> None:
    samples = [(T0 + timedelta(minutes=m), up) for m, up in offsets]
    a = availability(samples, start=T0, end=T0 + 10 * H, max_gap=timedelta(minutes=gap_minutes))
    assert 0.0 <= a.known_ratio <= 1.0 + 1e-9
    assert a.up_seconds <= a.known_seconds + 1e-6
    if a.ratio is not None:
        assert 0.0 <= a.ratio <= 1.0
