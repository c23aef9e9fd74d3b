"""Presentation of the heads' dashboard: the worklist link behind each figure, the trend chart (server-drawn
SVG) and the CSV/XLSX export of the same figures. The figures themselves come from `simpul.backoffice.selectors`.

The worklist's query parameters this relies on (`simpul.cases.selectors.case_list_for_officer`): `agency`,
`status` ("all" or a status), `service`, `kecamatan` (a code or "none"), `officer` (user id), `assigned`
("none"), `due` ("overdue"), `received_from`/`received_to`, `finished_from`/`finished_to`, `on_time`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from simpul.agencies.models import Agency
from simpul.backoffice.selectors import Dashboard, Figures
from simpul.core.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Sheet, csv_bytes, xlsx_bytes

INK = "#0b0c0c"
SERIES = (("received", "#1d70b8"), ("finished", "#00703c"), ("on_time", "#6f3c97"))


def worklist_url(params: dict[str, Any], **extra: Any) -> str:
    query = {k: v.isoformat() if isinstance(v, date) else v for k, v in {**params, **extra}.items()}
    return reverse("backoffice:worklist") + "?" + urlencode(sorted(query.items()))


def dimension_filter(dimension: str, key: Any) -> dict[str, Any]:
    """The worklist filter for one row of a dashboard table (key None: no officer, no kecamatan)."""
    if dimension == "officer":
        return {"officer": key} if key else {"assigned": "none"}
    if dimension == "kecamatan":
        return {"kecamatan": key or "none"}
    return {"service": key}


def figure_links(params: dict[str, Any], *, start: date, end: date) -> dict[str, str]:
    """The worklist behind each figure of a row: received and finished in [start, end], on time, overdue now."""
    finished = {"status": "all", "finished_from": start, "finished_to": end}
    return {
        "received": worklist_url(params, status="all", received_from=start, received_to=end),
        "finished": worklist_url(params, **finished),
        "on_time": worklist_url(params, **finished, on_time="1"),
        "overdue": worklist_url(params, due="overdue"),
    }


def _month_label(day: date) -> str:
    return formats.date_format(day, "M Y")


def trend_chart(months: list[Figures]) -> SafeString:
    """Per month three bars (received, finished, on time) with the month and each value written in full; drawn
    at the width of a phone so its text is never scaled below 12 px there. The table below has the same numbers."""
    width, label_w, value_w = 340, 74, 34
    bar_h, gap, legend_h = 8, 6, 22
    group_h = bar_h * len(SERIES) + gap
    height = legend_h + group_h * len(months) + 4
    top = max((getattr(m, name) for m in months for name, _c in SERIES), default=0) or 1
    bar_w = width - label_w - value_w
    names = {"received": _("Received"), "finished": _("Finished"), "on_time": _("On time")}
    title = _("Cases per month")
    desc = _("Received, finished and finished on time in each of the last {n} months; the table below has the "
             "same numbers.").format(n=len(months))
    parts = [
        f'<svg class="chart trend-chart" role="img" aria-labelledby="trend-t trend-d" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trend-t">{escape(title)}</title><desc id="trend-d">{escape(desc)}</desc>',
    ]
    x = 0
    for name, colour in SERIES:
        label = names[name]
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="13" font-size="12" fill="{INK}">{escape(label)}</text>')
        x += 14 + 7 * len(label) + 14
    for i, month in enumerate(months):
        y = legend_h + i * group_h
        parts.append(f'<text x="0" y="{y + bar_h * 2 + 3}" font-size="12" fill="{INK}">'
                     f"{escape(_month_label(month.key))}</text>")
        for j, (name, colour) in enumerate(SERIES):
            value = getattr(month, name)
            w = value / top * bar_w
            by = y + j * bar_h
            if value:  # a month without cases shows no bar and no number (the table has its zeros)
                parts.append(f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h - 1}" fill="{colour}"/>'
                             f'<text x="{label_w + w + 3:.1f}" y="{by + bar_h}" font-size="9" fill="{INK}">'
                             f"{value}</text>")
    parts.append(f'<line x1="{label_w}" y1="{legend_h - 3}" x2="{label_w}" y2="{height}" stroke="{INK}"/></svg>')
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


def _row(label: str, f: Figures, *, overdue: bool = True) -> list[Any]:
    return [label, f.received, f.finished, f.on_time, f.on_time_pct if f.on_time_pct is not None else "",
            f.overdue if overdue else "", f.median_working_days if f.median_working_days is not None else ""]


def dashboard_export_response(board: Dashboard, *, agency: Agency, fmt: str) -> HttpResponse:
    """The dashboard's figures for download: CSV (one table; its first column names the table) or XLSX (a sheet
    per table). The same numbers as the page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header = [_("Name"), _("Received"), _("Finished"), _("On time"), _("On time (%)"), _("Overdue now"),
              _("Median (working days)")]
    unnamed = {"officer": _("Not assigned"), "kecamatan": _("No kecamatan"), "service": ""}
    titles = {"service": _("Per service"), "officer": _("Per officer"), "kecamatan": _("Per kecamatan")}
    sheets = [Sheet(_("Total"), header, [_row(agency.name, board.total)])]
    for dimension, rows in board.tables.items():
        sheets.append(Sheet(titles[dimension], header,
                            [_row(r.label or unnamed[dimension], r) for r in rows]))
    sheets.append(Sheet(_("Per month"), header, [_row(_month_label(m.key), m, overdue=False) for m in board.months]))
    stamp = f"{board.start:%Y%m%d}-{board.end:%Y%m%d}"
    if fmt == "xlsx":
        content, media_type = xlsx_bytes(sheets), XLSX_MEDIA_TYPE
    else:
        lines = [[sheet.title, *row] for sheet in sheets for row in sheet.rows]
        content, media_type = csv_bytes([_("Table"), *header], lines, bom=True), CSV_MEDIA_TYPE
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="dasbor-{stamp}.{fmt}"'
    return response
