"""Framework definitions as data: parse and validate a framework file into plain dataclasses.

Pure Python (no Django): the loader in `reference.py`, the `simpul assessment` command, the pages (through
`selectors.framework_spec`) and the benchmark all work on the same `FrameworkSpec`.

A framework file is YAML (or JSON) with: `code`, `version`, `name`, `source`, `status`, `verified`,
`section_levels`, optional `index` (`total_weight`, `decimals`), `predicate_bands` (descending `min`),
`scales` (points with value/code/labels, optional `performance_points` and mean `bands`), `item_defaults`,
and either nested `sections` (each with `items`, child `sections` and an optional `text` shown above its
questions) or an `items_source` in a known format (`spbe-csv`, `paper-json`).

An item's `kind` is a scored one (`likert`, `dual`, `level`, on a likert or level scale), `choice` (one category
of a `nominal` scale: counted, never averaged) or a context/respondent question without a scale (`text`,
`integer`, `decimal`, `date`). `required: false` makes an item optional; `show_if` lists conditions on earlier
items, all of which must hold for the item to be asked: `{item, op: in | not_in | answered, values}`, the values
being point codes of a choice item and point values of a scored one. Weights are decimal strings. Whenever a section declares a weight and its children
carry weights, the children must sum to it; when `index.total_weight` is declared, the top sections (or all
items) must sum to it. Every problem found is reported at once in `FrameworkError.problems`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
FRAMEWORKS_DIR = DATA_DIR / "frameworks"
SCORED_KINDS = ("likert", "dual", "level")
CHOICE_KIND = "choice"  # one answer from a list of categories (a nominal scale): counted, never averaged
OPEN_KINDS = ("text", "integer", "decimal", "date")  # context or respondent questions: no scale
ITEM_KINDS = (*SCORED_KINDS, CHOICE_KIND, *OPEN_KINDS)
SCALE_KINDS = ("likert", "level", "nominal")
SHOW_IF_OPS = ("in", "not_in", "answered")
STATUSES = ("draft", "active", "retired")


class FrameworkError(ValueError):
    """A framework definition that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[str], *, source: str = "") -> None:
        self.problems = problems
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + "; ".join(problems))


@dataclass(frozen=True)
class ScalePoint:
    value: int
    code: str
    label_id: str
    label_en: str = ""


@dataclass(frozen=True)
class Band:
    code: str
    max: Decimal


@dataclass(frozen=True)
class Scale:
    code: str
    kind: str
    name: str
    points: tuple[ScalePoint, ...]
    performance_points: tuple[ScalePoint, ...] = ()
    bands: tuple[Band, ...] = ()

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.points)

    @property
    def minimum(self) -> int:
        return min(self.values)

    @property
    def maximum(self) -> int:
        return max(self.values)

    @property
    def midpoint(self) -> float:
        return (self.minimum + self.maximum) / 2

    def point(self, value: int) -> ScalePoint | None:
        return next((p for p in self.points if p.value == value), None)

    def band_for(self, mean: float) -> str:
        """The class band of a mean (e.g. 1.00-1.80 TP ... 4.21-5.00 SP); '' when the scale has none."""
        for band in self.bands:
            if Decimal(str(round(mean, 2))) <= band.max:
                return band.code
        return self.bands[-1].code if self.bands else ""


@dataclass(frozen=True)
class PredicateBand:
    label: str
    label_en: str
    min: Decimal


@dataclass
class ItemSpec:
    code: str
    text: str
    section_code: str
    scale_code: str
    kind: str
    weight: Decimal | None = None
    requires_explanation: bool = False
    level_criteria: dict[str, str] = field(default_factory=dict)
    evidence_criteria: str = ""
    order: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    required: bool = True
    show_if: list[dict[str, Any]] = field(default_factory=list)
    text_en: str = ""

    @property
    def is_open(self) -> bool:
        return self.kind in OPEN_KINDS


@dataclass
class SectionSpec:
    code: str
    name: str
    level: str
    parent_code: str | None
    weight: Decimal | None = None
    order: int = 0
    text: str = ""


@dataclass
class FrameworkSpec:
    code: str
    version: str
    name: str
    name_en: str
    source: str
    status: str
    verified: bool
    section_levels: list[str]
    scales: dict[str, Scale]
    sections: list[SectionSpec]
    items: list[ItemSpec]
    predicate_bands: list[PredicateBand]
    total_weight: Decimal | None = None
    decimals: int = 2
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return f"{self.code}-{self.version}"

    @property
    def is_weighted(self) -> bool:
        return all(item.weight is not None for item in self.items) and bool(self.items)

    def item(self, code: str) -> ItemSpec | None:
        return next((i for i in self.items if i.code == code), None)

    def section(self, code: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.code == code), None)

    def children(self, parent_code: str | None) -> list[SectionSpec]:
        return [s for s in self.sections if s.parent_code == parent_code]

    def items_in(self, section_code: str) -> list[ItemSpec]:
        return [i for i in self.items if i.section_code == section_code]

    def predicate(self, value: Decimal | float) -> str:
        value = Decimal(str(value))
        for band in self.predicate_bands:
            if value >= band.min:
                return band.label
        return self.predicate_bands[-1].label if self.predicate_bands else ""


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append(f"{where}: weight {value!r} is not a number")
        return None
    if not result.is_finite() or result < 0:
        problems.append(f"{where}: weight {value!r} must be a number of 0 or more")
        return None
    return result


def _points(raw: Any, where: str, problems: list[str]) -> tuple[ScalePoint, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: needs a non-empty list of points")
        return ()
    points = []
    for p in raw:
        try:
            points.append(
                ScalePoint(
                    value=int(p["value"] if "value" in p else p["level"]),
                    code=str(p.get("code", p.get("value", p.get("level")))),
                    label_id=str(p.get("label_id", "")),
                    label_en=str(p.get("label_en", "")),
                )
            )
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: point {p!r} needs an integer value")
    values = [p.value for p in points]
    if len(set(values)) != len(values):
        problems.append(f"{where}: duplicate values in points")
    return tuple(points)


def _scale(code: str, raw: Any, problems: list[str]) -> Scale | None:
    where = f"scale {code}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    kind = raw.get("kind", "likert")
    if kind not in SCALE_KINDS:
        problems.append(f"{where}: unknown kind {kind!r} (expected one of {', '.join(SCALE_KINDS)})")
    points = _points(raw.get("points"), where, problems)
    perf = _points(raw["performance_points"], where + " performance", problems) if "performance_points" in raw else ()
    if perf and {p.value for p in perf} != {p.value for p in points}:
        problems.append(f"{where}: performance points must use the same values as the points")
    bands = []
    for b in raw.get("bands", []) or []:
        mx = _decimal(b.get("max"), f"{where} band {b.get('code')}", problems)
        if mx is not None:
            bands.append(Band(code=str(b.get("code")), max=mx))
    return Scale(code=code, kind=kind, name=str(raw.get("name", code)), points=points, performance_points=perf,
                 bands=tuple(bands))


def _paper_source(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    scales = {
        "kepentingan": {"kind": "likert", "name": "Tingkat Kepentingan", "points": data["importance_scale"]},
        "kematangan": {"kind": "level", "name": "Tingkat Kematangan", "points": data["maturity_scale"]},
    }
    sections = [
        {"code": "kepentingan", "name": "Tingkat Kepentingan"},
        {"code": "kematangan", "name": "Tingkat Kematangan"},
    ]
    items = [
        {"code": f"TK{q['no']}", "text": q["question"], "section": "kepentingan", "scale": "kepentingan",
         "kind": "likert"}
        for q in data["importance_items"]
    ] + [
        {"code": f"M{q['no']}", "text": q["question"], "section": "kematangan", "scale": "kematangan",
         "kind": "level", "requires_explanation": False}
        for q in data["maturity_items"]
    ]
    return scales, sections, items


def _spbe_csv_source(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sections: dict[str, dict[str, Any]] = {}
    items = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            dom = f"D{row['domain_no']}"
            asp = f"A{row['aspect_no']}"
            sections.setdefault(dom, {"code": dom, "name": row["domain_name"], "weight": row["domain_weight"],
                                      "level": "domain", "parent": None})
            sections.setdefault(asp, {"code": asp, "name": row["aspect_name"], "weight": row["aspect_weight"],
                                      "level": "aspect", "parent": dom})
            items.append({"code": row["indicator_no"], "text": row["indicator_name"], "section": asp,
                          "weight": row["indicator_weight"], "scale": row["level_scale"]})
    return list(sections.values()), items


def _walk_sections(
    raw_sections: list[dict[str, Any]], levels: list[str], parent: str | None, depth: int
) -> Iterator[tuple[dict[str, Any], str | None, int, list[dict[str, Any]]]]:
    for s in raw_sections:
        yield s, parent, depth, list(s.get("items", []) or [])
        yield from _walk_sections(list(s.get("sections", []) or []), levels, str(s.get("code")), depth + 1)


def parse_framework(data: dict[str, Any], *, base_dir: Path = FRAMEWORKS_DIR, source: str = "") -> FrameworkSpec:
    """Validate a framework mapping; raise `FrameworkError` listing every problem, or return the spec."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise FrameworkError(["the file must hold a mapping"], source=source)
    for key in ("code", "version", "name"):
        if not str(data.get(key, "")).strip():
            problems.append(f"missing {key}")
    status = str(data.get("status", "active"))
    if status not in STATUSES:
        problems.append(f"unknown status {status!r}")
    levels = [str(x) for x in (data.get("section_levels") or ["section"])]

    raw_scales = dict(data.get("scales") or {})
    raw_sections: list[dict[str, Any]] = []
    raw_items: list[dict[str, Any]] = []
    src = data.get("items_source")
    if src:
        fmt = src.get("format")
        path = (base_dir / str(src.get("file", ""))).resolve()
        if not path.is_file():
            problems.append(f"items_source file {src.get('file')!r} not found")
        elif fmt == "spbe-csv":
            raw_sections, raw_items = _spbe_csv_source(path)
        elif fmt == "paper-json":
            extra_scales, raw_sections, raw_items = _paper_source(path)
            raw_scales = {**extra_scales, **raw_scales}
        else:
            problems.append(f"unknown items_source format {fmt!r}")

    scales: dict[str, Scale] = {}
    for code, raw in raw_scales.items():
        scale = _scale(str(code), raw, problems)
        if scale:
            scales[str(code)] = scale

    defaults = dict(data.get("item_defaults") or {})
    sections: list[SectionSpec] = []
    items: list[ItemSpec] = []
    flat_items: list[tuple[dict[str, Any], str]] = []
    if src:
        for i, s in enumerate(raw_sections):
            sections.append(SectionSpec(code=str(s["code"]), name=str(s["name"]),
                                        level=str(s.get("level", levels[0])), parent_code=s.get("parent"),
                                        weight=_decimal(s.get("weight"), f"section {s['code']}", problems), order=i))
        flat_items = [(it, str(it["section"])) for it in raw_items]
    else:
        if not data.get("sections"):
            problems.append("no sections defined")
        for order, (s, parent, depth, its) in enumerate(_walk_sections(list(data.get("sections") or []), levels,
                                                                         None, 0)):
            code = str(s.get("code", "")).strip()
            if not code:
                problems.append(f"a section without a code (under {parent or 'the top'})")
                continue
            level = levels[depth] if depth < len(levels) else levels[-1]
            sections.append(SectionSpec(code=code, name=str(s.get("name", code)), level=level, parent_code=parent,
                                        weight=_decimal(s.get("weight"), f"section {code}", problems), order=order,
                                        text=str(s.get("text", "") or "")))
            flat_items.extend((it, code) for it in its)

    seen_sections: set[str] = set()
    for s in sections:
        if s.code in seen_sections:
            problems.append(f"duplicate section code {s.code!r}")
        seen_sections.add(s.code)

    seen_items: set[str] = set()
    for order, (it, section_code) in enumerate(flat_items):
        merged = {**defaults, **it}
        code = str(merged.get("code", "")).strip()
        where = f"item {code or '?'}"
        if not code:
            problems.append(f"an item without a code in section {section_code}")
            continue
        if code in seen_items:
            problems.append(f"duplicate item code {code!r}")
        seen_items.add(code)
        kind = str(merged.get("kind", "likert"))
        if kind not in ITEM_KINDS:
            problems.append(f"{where}: unknown kind {kind!r}")
        scale_code = "" if kind in OPEN_KINDS and "scale" not in it else str(merged.get("scale", ""))
        if kind in OPEN_KINDS:
            if scale_code:
                problems.append(f"{where}: a {kind} question takes no scale")
        elif scale_code not in scales:
            problems.append(f"{where}: unknown scale {scale_code!r}")
        elif (scales[scale_code].kind == "nominal") != (kind == CHOICE_KIND):
            problems.append(f"{where}: a {kind} item cannot use the {scales[scale_code].kind} scale {scale_code!r}")
        if not str(merged.get("text", "")).strip():
            problems.append(f"{where}: missing text")
        items.append(ItemSpec(
            code=code, text=str(merged.get("text", "")), section_code=section_code, scale_code=scale_code,
            kind=kind, weight=_decimal(merged.get("weight"), where, problems),
            requires_explanation=bool(merged.get("requires_explanation", False)),
            level_criteria={str(k): str(v) for k, v in (merged.get("level_criteria") or {}).items()},
            evidence_criteria=str(merged.get("evidence_criteria", "")), order=order,
            required=bool(merged.get("required", True)), show_if=list(merged.get("show_if") or []),
            text_en=str(merged.get("text_en", "") or ""),
        ))
    _check_conditions(items, scales, problems)
    if not scales and (not items or not all(i.is_open for i in items)):
        problems.append("no scales defined")
    if not items:
        problems.append("no items defined")

    bands = []
    for b in data.get("predicate_bands") or []:
        mn = _decimal(b.get("min"), f"predicate {b.get('label')}", problems)
        if mn is not None:
            bands.append(PredicateBand(label=str(b.get("label")), label_en=str(b.get("label_en", "")), min=mn))
    if any(bands[i].min <= bands[i + 1].min for i in range(len(bands) - 1)):
        problems.append("predicate bands must be listed from the highest minimum down")

    index = data.get("index") or {}
    total = _decimal(index.get("total_weight"), "index total_weight", problems) if index else None
    _check_weights(sections, items, total, problems)

    if problems:
        raise FrameworkError(problems, source=source)
    return FrameworkSpec(
        code=str(data["code"]), version=str(data["version"]), name=str(data["name"]),
        name_en=str(data.get("name_en", "")), source=str(data.get("source", "")).strip(), status=status,
        verified=bool(data.get("verified", False)), section_levels=levels, scales=scales, sections=sections,
        items=items, predicate_bands=bands, total_weight=total, decimals=int(index.get("decimals", 2)), raw=data,
    )


def _answer_keys(item: ItemSpec, scales: dict[str, Scale]) -> set[str] | None:
    """What a condition on `item` may compare its answer with (None: any text, for a context question)."""
    if item.is_open:
        return None
    scale = scales.get(item.scale_code)
    if scale is None:
        return set()
    return {p.code for p in scale.points} if item.kind == CHOICE_KIND else {str(p.value) for p in scale.points}


def _check_conditions(items: list[ItemSpec], scales: dict[str, Scale], problems: list[str]) -> None:
    """Every `show_if` condition names an earlier item, a known operator and answers that item can have."""
    earlier: dict[str, ItemSpec] = {}
    for item in items:
        for cond in item.show_if:
            where = f"item {item.code}: show_if"
            if not isinstance(cond, dict):
                problems.append(f"{where} {cond!r} must be a mapping")
                continue
            target = earlier.get(str(cond.get("item", "")))
            if target is None:
                problems.append(f"{where} names {cond.get('item')!r}, which is not an earlier item")
                continue
            op = cond.get("op", "in")
            if op not in SHOW_IF_OPS:
                problems.append(f"{where}: unknown operator {op!r}")
                continue
            values = cond.get("values") or []
            if op != "answered" and (not isinstance(values, list) or not values):
                problems.append(f"{where}: needs a list of values")
                continue
            keys = _answer_keys(target, scales)
            unknown = [str(v) for v in values if keys is not None and str(v) not in keys]
            if unknown:
                problems.append(f"{where}: {', '.join(unknown)} is not an answer of {target.code}")
        earlier[item.code] = item


def _check_weights(sections: list[SectionSpec], items: list[ItemSpec], total: Decimal | None,
                   problems: list[str]) -> None:
    codes = {s.code for s in sections}
    for item in items:
        if item.section_code not in codes:
            problems.append(f"item {item.code}: unknown section {item.section_code!r}")
    for s in sections:
        if s.parent_code is not None and s.parent_code not in codes:
            problems.append(f"section {s.code}: unknown parent {s.parent_code!r}")
    weighted = [i for i in items if i.weight is not None]
    if weighted and len(weighted) != len(items):
        problems.append("either every item has a weight or none has")
    if total is not None and not weighted:
        problems.append("index total_weight is declared but the items carry no weights")
    for s in sections:
        if s.weight is None:
            continue
        child_sections = [c for c in sections if c.parent_code == s.code]
        child_items = [i for i in items if i.section_code == s.code]
        parts = [c.weight for c in child_sections] + [i.weight for i in child_items]
        if parts and all(p is not None for p in parts):
            got = sum(parts, Decimal(0))  # type: ignore[arg-type]
            if got != s.weight:
                problems.append(f"section {s.code}: weights of its parts sum to {got}, declared {s.weight}")
    if total is not None and weighted:
        tops = [s for s in sections if s.parent_code is None]
        if tops and all(s.weight is not None for s in tops):
            got = sum((s.weight for s in tops), Decimal(0))  # type: ignore[misc]
            if got != total:
                problems.append(f"top sections' weights sum to {got}, declared total {total}")
        got_items = sum((i.weight for i in weighted), Decimal(0))  # type: ignore[misc]
        if got_items != total:
            problems.append(f"item weights sum to {got_items}, declared total {total}")


def load_framework_file(path: Path) -> FrameworkSpec:
    """Read and validate one framework file (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise FrameworkError([f"cannot read the file: {exc}"], source=path.name) from exc
    return parse_framework(data, base_dir=path.parent, source=path.name)


def shipped_framework_files() -> list[Path]:
    return sorted(p for p in FRAMEWORKS_DIR.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def shipped_framework(slug: str) -> FrameworkSpec:
    """The shipped framework whose `code-version` is `slug` (e.g. 'spbe-2020')."""
    for path in shipped_framework_files():
        spec = load_framework_file(path)
        if spec.slug == slug:
            return spec
    raise FrameworkError([f"no framework {slug!r}"])


def spec_to_definition(spec: FrameworkSpec) -> dict[str, Any]:
    """A self-contained definition (sections nested, items inline, no outside files) that parses back to
    an equal spec. It is what the database keeps."""

    def points(ps: tuple[ScalePoint, ...]) -> list[dict[str, Any]]:
        return [{"value": p.value, "code": p.code, "label_id": p.label_id, "label_en": p.label_en} for p in ps]

    def section(s: SectionSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"code": s.code, "name": s.name}
        if s.weight is not None:
            out["weight"] = str(s.weight)
        if s.text:
            out["text"] = s.text
        items = []
        for i in spec.items_in(s.code):
            # Keys at their default are left out, so a definition written before they existed keeps its hash.
            item: dict[str, Any] = {"code": i.code, "text": i.text, "kind": i.kind,
                                    "requires_explanation": i.requires_explanation}
            if i.text_en:
                item["text_en"] = i.text_en
            if i.scale_code:
                item["scale"] = i.scale_code
            if not i.required:
                item["required"] = False
            if i.show_if:
                item["show_if"] = i.show_if
            if i.weight is not None:
                item["weight"] = str(i.weight)
            if i.level_criteria:
                item["level_criteria"] = i.level_criteria
            if i.evidence_criteria:
                item["evidence_criteria"] = i.evidence_criteria
            items.append(item)
        if items:
            out["items"] = items
        children = [section(c) for c in spec.children(s.code)]
        if children:
            out["sections"] = children
        return out

    scales = {}
    for code, sc in spec.scales.items():
        entry: dict[str, Any] = {"kind": sc.kind, "name": sc.name, "points": points(sc.points)}
        if sc.performance_points:
            entry["performance_points"] = points(sc.performance_points)
        if sc.bands:
            entry["bands"] = [{"code": b.code, "max": str(b.max)} for b in sc.bands]
        scales[code] = entry
    levels = list(spec.section_levels)
    depth_levels = []
    for s in spec.sections:
        depth = 0
        parent = s.parent_code
        while parent is not None:
            depth += 1
            parent_spec = spec.section(parent)
            parent = parent_spec.parent_code if parent_spec else None
        while len(depth_levels) <= depth:
            depth_levels.append(s.level)
    out: dict[str, Any] = {
        "code": spec.code, "version": spec.version, "name": spec.name, "name_en": spec.name_en,
        "source": spec.source, "status": spec.status, "verified": spec.verified,
        "section_levels": depth_levels or levels, "scales": scales,
        "sections": [section(s) for s in spec.children(None)],
        "predicate_bands": [{"label": b.label, "label_en": b.label_en, "min": str(b.min)}
                            for b in spec.predicate_bands],
    }
    if spec.total_weight is not None:
        out["index"] = {"total_weight": str(spec.total_weight), "decimals": spec.decimals}
    return out
