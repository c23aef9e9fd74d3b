"""Pure calculations behind the coverage analysis (no database): availability from a series with gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Availability:
    """`ratio` is up time over known time (None when nothing is known); `known_ratio` is known time over the period."""

    ratio: float | None
    known_ratio: float
    up_seconds: float
    known_seconds: float
    period_seconds: float


def availability(
    samples: Iterable[tuple[datetime, bool]], *, start: datetime, end: datetime, max_gap: timedelta
) -> Availability:
    """Availability over [start, end) from probe results that may have gaps.

    Each sample's state holds from its time until the next sample, but for at most `max_gap`: time further than
    `max_gap` from the previous sample is unknown and left out of both numerator and denominator (a silent probe is
    not a down link, nor an up one). Samples outside the period still carry their state into it.
    """
    if end <= start:
        raise ValueError("end must be after start")
    points = sorted((t, bool(up)) for t, up in samples if t < end)
    up = known = 0.0
    for idx, (t, state) in enumerate(points):
        nxt = points[idx + 1][0] if idx + 1 < len(points) else end
        seg_start = max(t, start)
        seg_end = min(nxt, t + max_gap, end)
        if seg_end <= seg_start:
            continue
        length = (seg_end - seg_start).total_seconds()
        known += length
        if state:
            up += length
    period = (end - start).total_seconds()
    return Availability(
        ratio=(up / known) if known > 0 else None,
        known_ratio=known / period,
        up_seconds=up,
        known_seconds=known,
        period_seconds=period,
    )
