"""Small server-rendered SVG charts (no JavaScript, no inline styles: presentation attributes only).

Each chart carries a <title> and <desc> and sits next to a table with the same numbers.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#1d70b8"
ALT = "#d4351c"
INK = "#0b0c0c"


def _chart_id(title: str) -> str:
    return "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:8]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(*, title: str, desc: str, items: Sequence[tuple[str, float]], unit: str = "", width: int = 560,
              ) -> SafeString:
    """Horizontal bars, one per (label, value)."""
    cid = _chart_id(title)
    row_h, label_w, pad = 18, 170, 4
    height = max(1, len(items)) * row_h + pad * 2
    top = max((v for _l, v in items), default=0) or 1
    bar_w = width - label_w - 70
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{cid}t {cid}d" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}t">{escape(title)}</title><desc id="{cid}d">{escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(items):
        y = pad + i * row_h
        w = max(0.0, value) / top * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(label[:28])}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="12" fill="{INK}">'
            f"{escape(_num(value))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


def line_chart(*, title: str, desc: str, points: Sequence[tuple[datetime, float]], unit: str = "",
               width: int = 560, height: int = 160) -> SafeString:
    """A line over time (oldest left); gaps longer than the median step break the line."""
    cid = _chart_id(title)
    pad_l, pad_r, pad_t, pad_b = 44, 10, 10, 22
    pts = sorted(points)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{cid}t {cid}d" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}t">{escape(title)}</title><desc id="{cid}d">{escape(desc)}</desc>',
    ]
    if len(pts) >= 1:
        t0, t1 = pts[0][0].timestamp(), pts[-1][0].timestamp()
        span = (t1 - t0) or 1
        top = max(v for _t, v in pts) or 1
        steps = sorted(b[0].timestamp() - a[0].timestamp() for a, b in itertools.pairwise(pts))
        gap = (steps[len(steps) // 2] * 3) if steps else 0

        def xy(t: datetime, v: float) -> str:
            x = pad_l + (t.timestamp() - t0) / span * (width - pad_l - pad_r)
            y = pad_t + (1 - v / top) * (height - pad_t - pad_b)
            return f"{x:.1f},{y:.1f}"

        segment: list[str] = []
        prev: datetime | None = None
        for t, v in pts:
            if prev is not None and gap and t.timestamp() - prev.timestamp() > gap and segment:
                parts.append(f'<polyline fill="none" stroke="{BAR}" stroke-width="2" points="{" ".join(segment)}"/>')
                segment = []
            segment.append(xy(t, v))
            prev = t
        if len(segment) == 1:
            x, y = segment[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{BAR}"/>')
        elif segment:
            parts.append(f'<polyline fill="none" stroke="{BAR}" stroke-width="2" points="{" ".join(segment)}"/>')
        parts.append(
            f'<text x="{pad_l - 4}" y="{pad_t + 10}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{escape(_num(top))}{escape(unit)}</text>"
            f'<text x="{pad_l - 4}" y="{height - pad_b}" text-anchor="end" font-size="11" fill="{INK}">0</text>'
            f'<text x="{pad_l}" y="{height - 6}" font-size="11" fill="{INK}">{pts[0][0]:%d-%m %H:%M}</text>'
            f'<text x="{width - pad_r}" y="{height - 6}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{pts[-1][0]:%d-%m %H:%M}</text>"
        )
    parts.append(
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - pad_r}" y2="{height - pad_b}" stroke="{INK}"/>'
        "</svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)
