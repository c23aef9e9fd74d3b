"""Small server-rendered SVG charts (no JavaScript): IPA scatter with quadrants, distributions, maturity by
section, index trend. Each chart has a <title> and <desc>; numbers are also shown in tables next to it."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from simpul.assessment.stats import IpaResult


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}"><title>{escape(title)}</title>')
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text part is escaped above/below


def _num(value: float) -> str:
    """Two decimals in the page's language, as the tables beside the charts print them."""
    return number_format(value, decimal_pos=2)


def ipa_scatter(ipa: IpaResult, *, lo: float = 1, hi: float = 5, size: int = 320) -> SafeString:
    pad = 36
    span = hi - lo

    def px(v: float) -> float:
        return pad + (v - lo) / span * (size - 2 * pad)

    def py(v: float) -> float:
        return size - pad - (v - lo) / span * (size - 2 * pad)

    body = [f'<rect x="{pad}" y="{pad}" width="{size - 2 * pad}" height="{size - 2 * pad}" fill="#fff" '
            'stroke="#505a5f"/>',
            f'<line x1="{px(ipa.x_cross):.1f}" y1="{pad}" x2="{px(ipa.x_cross):.1f}" y2="{size - pad}" '
            'stroke="#b00020" stroke-dasharray="4 3"/>',
            f'<line x1="{pad}" y1="{py(ipa.y_cross):.1f}" x2="{size - pad}" y2="{py(ipa.y_cross):.1f}" '
            'stroke="#b00020" stroke-dasharray="4 3"/>',
            f'<line x1="{px(lo)}" y1="{py(lo)}" x2="{px(hi)}" y2="{py(hi)}" stroke="#b1b4b6"/>']
    labels = [("I", pad + 4, pad + 14), ("II", size - pad - 18, pad + 14), ("III", pad + 4, size - pad - 6),
              ("IV", size - pad - 22, size - pad - 6)]
    body += [f'<text x="{x}" y="{y}" font-size="12" fill="#505a5f">{q}</text>' for q, x, y in labels]
    for row in ipa.rows:
        x, y = px(row.performance), py(row.importance)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0b5394"><title>{escape(row.code)}: '
                    f'{_num(row.importance)} / {_num(row.performance)}</title></circle>'
                    f'<text x="{x + 5:.1f}" y="{y - 4:.1f}" font-size="10">{escape(row.code)}</text>')
    body.append(f'<text x="{size / 2}" y="{size - 6}" font-size="11" text-anchor="middle">'
                f'{escape(_("Performance"))}</text>')
    body.append(f'<text x="12" y="{size / 2}" font-size="11" text-anchor="middle" '
                f'transform="rotate(-90 12 {size / 2})">{escape(_("Importance"))}</text>')
    return _svg(size, size, _("Importance-performance chart with quadrants I to IV"), body)


def bars(values: Sequence[tuple[str, float]], *, title: str, maximum: float, width: int = 360,
         bar_height: int = 14) -> SafeString:
    """One bar per value, its full label written above it (wrapped, never cut), the value after the bar; every
    part stays inside the chart's `width`, so nothing is clipped at a page's margin."""
    chars = int(width / 6.4)  # 11 px DejaVu Sans (the PDF report's font) is about 6.2 px per character
    room = width - 48  # the longest bar leaves room for its value
    body = []
    y = 2
    for label, value in values:
        for line in textwrap.wrap(label, chars) or [""]:
            y += 13
            body.append(f'<text x="0" y="{y}" font-size="11">{escape(line)}</text>')
        y += 3
        w = 0 if maximum <= 0 else min(max(0.0, value), maximum) / maximum * room
        body.append(f'<rect x="0" y="{y}" width="{w:.1f}" height="{bar_height}" fill="#0b5394"/>'
                    f'<text x="{w + 4:.1f}" y="{y + bar_height - 3}" font-size="11">{_num(value)}</text>')
        y += bar_height + 6
    return _svg(width, y + 2, title, body)


def trend(points: Sequence[dict[str, Any]], *, title: str, lo: float = 1, hi: float = 5, width: int = 360,
          height: int = 160) -> SafeString:
    pts = [(str(p["round"].year), p["value"]) for p in points if p["value"] is not None]
    pad = 30
    body = [f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#505a5f"/>']
    if pts:
        step = (width - 2 * pad) / max(len(pts) - 1, 1)
        coords = []
        for n, (label, value) in enumerate(pts):
            x = pad + n * step
            y = height - pad - (value - lo) / (hi - lo) * (height - 2 * pad)
            coords.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0b5394"/>'
                        f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{escape(label)}'
                        f'</text><text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle">{_num(value)}'
                        '</text>')
        body.insert(1, f'<polyline points="{" ".join(coords)}" fill="none" stroke="#0b5394"/>')
    return _svg(width, height, title, body)
