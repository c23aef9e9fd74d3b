"""Small server-rendered SVG charts (no JavaScript, no inline styles: presentation attributes only).

Each chart carries a <title> and <desc> and sits next to a table with the same numbers.
"""

from __future__ import annotations

import hashlib
import itertools
import math
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


CONNECTED = "#00703c"
BLANK = "#d4351c"
HULL_FILL = "#e8f1f8"
HULL_LINE = "#5694ca"


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of points (Andrew's monotone chain), counter-clockwise; fewer than 3 points as they are."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def site_map(*, title: str, desc: str, groups: Sequence[tuple[str, Sequence[tuple[float, float, bool, str]]]],
             width: int = 420) -> SafeString:
    """The registry's sites drawn from their coordinates: each kecamatan as the convex hull of its sites, labelled
    at its centre; each site a dot (connected: green circle; no active link: red square). `groups` holds
    (kecamatan name, [(lat, lon, connected, site name)]). Equirectangular projection, scaled by the cosine of the
    middle latitude: good enough at a regency's size. Nothing is fetched; every text is escaped."""
    cid = _chart_id(title)
    points = [(lat, lon) for _n, sites in groups for lat, lon, _c, _s in sites]
    parts = []
    if points:
        min_lat, max_lat = min(p[0] for p in points), max(p[0] for p in points)
        min_lon, max_lon = min(p[1] for p in points), max(p[1] for p in points)
        kx = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * kx, 1e-6)
        span_y = max(max_lat - min_lat, 1e-6)
        pad = 28
        inner = width - 2 * pad
        scale = inner / max(span_x, span_y)
        height = round(span_y * scale + 2 * pad) if span_y * scale > 80 else 140

        def xy(lat: float, lon: float) -> tuple[float, float]:
            return pad + (lon - min_lon) * kx * scale, height - pad - (lat - min_lat) * scale

        labels = []
        for name, sites in groups:
            projected = [xy(lat, lon) for lat, lon, _c, _s in sites]
            hull = _hull(projected)
            if len(hull) >= 3:
                parts.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in hull)}" fill="{HULL_FILL}"'
                             f' stroke="{HULL_LINE}" stroke-width="1"/>')
            elif len(hull) == 2:
                (x1, y1), (x2, y2) = hull
                parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{HULL_LINE}"/>')
            cx = sum(x for x, _y in projected) / len(projected)
            cy = sum(y for _x, y in projected) / len(projected)
            labels.append(f'<text x="{cx:.1f}" y="{cy - 7:.1f}" text-anchor="middle" font-size="13" '
                          f'font-weight="700" fill="{INK}" stroke="#fff" stroke-width="3" paint-order="stroke">'
                          f"{escape(name)}</text>")
        for _name, sites in groups:
            for lat, lon, connected, site_name in sites:
                x, y = xy(lat, lon)
                shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{CONNECTED}">' if connected else
                         f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{BLANK}">')
                parts.append(shape + f"<title>{escape(site_name)}</title>" + ("</circle>" if connected else "</rect>"))
        parts.extend(labels)
    else:
        height = 60
    head = (f'<svg class="chart site-map" role="img" aria-labelledby="{cid}t {cid}d" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{cid}t">{escape(title)}</title><desc id="{cid}d">{escape(desc)}</desc>'
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff" stroke="#b1b4b6"/>')
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 (every text is escaped above)
