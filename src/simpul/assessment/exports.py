"""Exports of a round: answers as CSV, XLSX and SPSS .sav (value labels, ordinal measure), coded excerpts as CSV."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from simpul.assessment.models import Answer, Excerpt, Item, ItemKind, Round
from simpul.core.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Sheet, csv_bytes, xlsx_bytes


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
    import pandas as pd

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


def _sav(round: Round) -> bytes:
    import pyreadstat

    frame, cols = answers_frame(round=round)
    labels, value_labels, measure = {}, {}, {}
    for name, item, field in cols:
        labels[name] = item.text[:250]
        if item.scale is None:
            measure[name] = "nominal"
            continue
        points = item.scale.performance_points if field == "performance" and item.scale.performance_points \
            else item.scale.points
        value_labels[name] = {float(p["value"]): str(p.get("code") or p.get("label_id"))[:120] for p in points}
        measure[name] = "nominal" if item.kind == ItemKind.CHOICE else "ordinal"
    for col in ("response_id", "group", "channel", "kecamatan", "desa", "opd"):
        frame[col] = frame[col].astype(str)
        measure[col] = "nominal"
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels=value_labels,
                             variable_measure=measure)
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
