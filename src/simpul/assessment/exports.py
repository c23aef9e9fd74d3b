"""Exports of a round: answers as CSV, XLSX and SPSS .sav, coded excerpts as CSV.

One row per response, one column per answer: `Q_<item>` (one scale), `I_<item>` and `P_<item>` (importance and
performance of a dual row), `L_<item>` (maturity level), after the respondent's `response_id`, `group`,
`channel`, `kecamatan`, `desa` and `opd`. In CSV and XLSX an item not answered is an empty cell.

The SPSS file (`_sav`) follows SPSS's conventions, so that FREQUENCIES and the like are right without recoding:

- **user-missing values**: an item a respondent did not answer is coded 9 ("Tidak dijawab"; 99 when a scale
  reaches 9) and declared missing on that variable; an empty respondent attribute (no group, kecamatan, desa or
  OPD) is a blank string declared missing, so it is counted as missing rather than as a category "";
- **value labels** say what each point means, from the scale's own points in the language of the request:
  importance "Sangat Penting (SP)"..., maturity levels 1..5 with the descriptions of the paper's Table 4, SPBE
  levels with theirs; an item with its own level criteria gets those for its variable;
- **variable labels** are the item's text, and the two halves of a dual row say which they are:
  "... (kepentingan)" and "... (kinerja)"; labels are shortened on a character boundary to SPSS's limits
  (256 bytes for a variable label, 120 for a value label, 64 for the file label: the round's name);
- **measure**: answers are ordinal, respondent attributes nominal; answers are whole numbers (format F1.0).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from typing import Any

import pandas as pd
import pyreadstat
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from simpul.assessment.models import Answer, Excerpt, Item, ItemKind, Response, Round
from simpul.core.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Sheet, csv_bytes, xlsx_bytes

RESPONDENT_COLUMNS = {"response_id": "uuid", "group": "group", "channel": "channel", "kecamatan": "kecamatan",
                      "desa": "desa", "opd": "agency"}  # column -> the Response field it comes from
OPTIONAL_COLUMNS = ("group", "channel", "kecamatan", "desa", "opd")  # may be blank: blank is missing in SPSS
VARIABLE_LABEL_BYTES = 256  # SPSS's limits; readstat would cut longer labels, even inside a character
VALUE_LABEL_BYTES = 120
FILE_LABEL_BYTES = 64
ELLIPSIS = "…"


def _columns(items: list[Item]) -> list[tuple[str, Item, str]]:
    cols = []
    for item in items:
        if item.is_open:
            cols.append((f"T_{item.code}", item, "answer_text"))
        elif item.kind == ItemKind.LEVEL:
            cols.append((f"L_{item.code}", item, "level"))
        else:
            cols.append((f"I_{item.code}" if item.kind == ItemKind.DUAL else f"Q_{item.code}", item, "value"))
            if item.kind == ItemKind.DUAL:
                cols.append((f"P_{item.code}", item, "performance"))
    return cols


def answers_frame(*, round: Round) -> tuple[Any, list[tuple[str, Item, str]]]:
    """A wide table: one row per response, one column per answer (pandas DataFrame)."""
    items = list(Item.objects.filter(framework_id=round.framework_id).select_related("scale").order_by("order"))
    cols = _columns(items)
    by_code: dict[str, list[tuple[str, str]]] = {}
    for name, item, field in cols:
        by_code.setdefault(item.code, []).append((name, field))
    rows: dict[int, dict[str, Any]] = {}
    qs = (Answer.objects.filter(round=round)
          .values("response_id", "response__uuid", "response__group", "response__channel",
                  "response__kecamatan__name", "response__desa__name", "response__agency__name", "item__code",
                  "value", "performance", "level", "answer_text"))
    for a in qs.iterator(chunk_size=5000):
        row = rows.setdefault(a["response_id"], {
            "response_id": str(a["response__uuid"]), "group": a["response__group"] or "",
            "channel": a["response__channel"], "kecamatan": a["response__kecamatan__name"] or "",
            "desa": a["response__desa__name"] or "", "opd": a["response__agency__name"] or "",
        })
        for name, field in by_code.get(a["item__code"], []):
            row[name] = a[field]
    frame = pd.DataFrame(list(rows.values()), columns=["response_id", "group", "channel", "kecamatan", "desa", "opd"]
                         + [c[0] for c in cols])
    for name, _item, field in cols:
        if field == "answer_text":
            frame[name] = frame[name].fillna("").astype(str)
        else:
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame, cols


def build(*, round: Round, fmt: str) -> tuple[bytes, str, str]:
    base = f"asesmen-{round.pk}-{round.year}"
    if fmt == "csv":
        frame, _c = answers_frame(round=round)
        return csv_bytes(list(frame.columns), frame.itertuples(index=False), lineterminator="\n"), \
            CSV_MEDIA_TYPE, base + ".csv"
    if fmt == "xlsx":
        return _xlsx(round), XLSX_MEDIA_TYPE, base + ".xlsx"
    if fmt == "sav":
        return _sav(round), "application/x-spss-sav", base + ".sav"
    if fmt == "kutipan.csv":
        return _excerpts_csv(round), CSV_MEDIA_TYPE, base + "-kutipan.csv"
    raise KeyError(fmt)


def _xlsx(round: Round) -> bytes:
    frame, cols = answers_frame(round=round)
    codebook = []
    for name, item, field in cols:
        if item.scale is None:
            codebook.append([name, item.code, item.text, ""])
            continue
        points = item.scale.performance_points if field == "performance" and item.scale.performance_points \
            else item.scale.points
        codebook.append([name, item.code, item.text, "; ".join(f"{p['value']}={p.get('code', '')}" for p in points)])
    return xlsx_bytes([Sheet("jawaban", list(frame.columns), frame.itertuples(index=False)),
                       Sheet("kodebook", ["variable", "item", "text", "value labels"], codebook)])


def not_answered_code(values: Iterable[int]) -> int:
    """The code of "not answered" on a scale: 9, or 99, 999... the first all-nines number above its values."""
    top = max(values, default=0)
    code = 9
    while code <= top:
        code = code * 10 + 9
    return code


def _fit(text: str, limit: int, suffix: str = "") -> str:
    """`text` + `suffix` in at most `limit` UTF-8 bytes: the text shortened on a character boundary, with "…"."""
    if len((text + suffix).encode()) <= limit:
        return text + suffix
    room = limit - len((ELLIPSIS + suffix).encode())
    kept = text.encode()[:max(room, 0)].decode(errors="ignore").rstrip()
    return kept + ELLIPSIS + suffix


def _scale_points(item: Item, field: str) -> list[dict[str, Any]]:
    if field == "performance" and item.scale.performance_points:
        return list(item.scale.performance_points)
    return list(item.scale.points)


def _variable_label(item: Item, field: str) -> str:
    """The item's text; the halves of a dual row say which they are: "... (kepentingan)", "... (kinerja)"."""
    if item.kind != ItemKind.DUAL:
        return _fit(item.text, VARIABLE_LABEL_BYTES)
    template = _("{text} (importance)") if field == "value" else _("{text} (performance)")
    head, _sep, tail = template.partition("{text}")
    return head + _fit(item.text, VARIABLE_LABEL_BYTES - len((head + tail).encode()), tail)


def _value_label(point: dict[str, Any], item: Item, language: str) -> str:
    """What a point means, in the request's language: the item's own level criterion if it has one, else the
    scale's label; an abbreviation that the label does not already begin with follows it ("Sangat Penting (SP)",
    "Penting (P)", but "Rintisan: dilaksanakan tanpa perencanaan" for the code Rintisan)."""
    value = int(point["value"])
    criterion = str(item.level_criteria.get(str(value), "")) if item.kind == ItemKind.LEVEL else ""
    english = str(point.get("label_en") or "") if language == "en" else ""
    label = criterion or english or str(point.get("label_id") or "")
    code = str(point.get("code") or "")
    if not label:
        return _fit(code or str(value), VALUE_LABEL_BYTES)
    if code and code != str(value) and not re.match(rf"{re.escape(code)}\b", label, re.IGNORECASE):
        return _fit(label, VALUE_LABEL_BYTES, f" ({code})")
    return _fit(label, VALUE_LABEL_BYTES)


def _sav(round: Round) -> bytes:
    frame, cols = answers_frame(round=round)
    language = (translation.get_language() or "id").split("-")[0]
    not_answered = _("Not answered")
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[int | float, str]] = {}
    missing: dict[str, list[Any]] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}
    for column, field_name in RESPONDENT_COLUMNS.items():
        labels[column] = str(capfirst(Response._meta.get_field(field_name).verbose_name))
        frame[column] = frame[column].astype(str)
        measure[column] = "nominal"
    for column in OPTIONAL_COLUMNS:
        missing[column] = [""]
    for name, item, field in cols:
        labels[name] = _variable_label(item, field)
        if item.scale is None:  # a context question (text, number, date): no scale, no value labels
            measure[name] = "nominal"
            continue
        points = _scale_points(item, field)
        code = not_answered_code(int(p["value"]) for p in points)
        value_labels[name] = {float(p["value"]): _value_label(p, item, language) for p in points}
        value_labels[name][float(code)] = not_answered
        missing[name] = [float(code)]
        frame[name] = frame[name].fillna(code)
        measure[name] = "nominal" if item.kind == ItemKind.CHOICE else "ordinal"
        formats[name] = f"F{len(str(code))}.0"
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(frame, path, file_label=_fit(round.name, FILE_LABEL_BYTES), column_labels=labels,
                             variable_value_labels=value_labels, missing_ranges=missing, variable_measure=measure,
                             variable_format=formats)
        with open(path, "rb") as handle:
            return handle.read()
    finally:
        os.unlink(path)


def _excerpts_csv(round: Round) -> bytes:
    rows = ([ex.evidence_id, ex.evidence.title, ex.evidence.kind, ex.code.name,
             ex.code.parent.name if ex.code.parent else "", ex.coder_id, ex.start, ex.end, ex.text]
            for ex in Excerpt.objects.filter(evidence__round=round).select_related("evidence", "code", "code__parent"))
    return csv_bytes(["evidence_id", "evidence", "kind", "code", "parent_code", "coder_id", "start", "end", "text"],
                     rows)
