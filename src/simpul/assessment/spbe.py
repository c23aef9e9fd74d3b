"""The SPBE (and any weighted maturity) index, computed exactly as PermenPANRB 59/2020 prescribes.

Scores are weighted means at every level (DOMAIN.md 1.5):
    Index_aspect = sum(NI_i * BI_i) / sum(BI_i) over its indicators,
    Index_domain = sum(aspect score * aspect weight) / sum(aspect weights),
    Indeks       = sum(NI_i * BI_i) / total weight (100),
and the predicate is the first band whose minimum the index reaches. Arithmetic is in Decimal, so band edges
(4.2, 3.5, ...) are compared exactly. Pure Python: the pages, the API, the command and the benchmark share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from simpul.assessment.frameworks import FrameworkSpec


class ScoreInputError(ValueError):
    """Levels that cannot be scored; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class SectionScore:
    code: str
    name: str
    level: str
    weight: Decimal | None
    score: Decimal | None
    answered: int
    total: int


@dataclass
class IndexResult:
    framework: str
    index: Decimal | None
    predicate: str
    sections: list[SectionScore]
    items: dict[str, Decimal]
    missing: list[str] = field(default_factory=list)
    decimals: int = 2

    def as_dict(self) -> dict[str, Any]:
        def num(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 4))

        by_level: dict[str, list[dict[str, Any]]] = {}
        for s in self.sections:
            by_level.setdefault(s.level, []).append(
                {"code": s.code, "name": s.name, "weight": num(s.weight), "score": num(s.score),
                 "answered": s.answered, "total": s.total}
            )
        return {
            "framework": self.framework,
            "index": num(self.index),
            "index_rounded": None if self.index is None else float(round(self.index, self.decimals)),
            "predicate": self.predicate,
            "sections": by_level,
            "items": {code: float(v) for code, v in self.items.items()},
            "missing": self.missing,
        }


def parse_levels(spec: FrameworkSpec, raw: Mapping[str, Any]) -> dict[str, Decimal]:
    """Check level values against each item's scale; raise ScoreInputError with every problem."""
    problems = []
    levels: dict[str, Decimal] = {}
    for code, value in raw.items():
        item = spec.item(str(code).strip())
        if item is None:
            problems.append(f"unknown indicator {code!r}")
            continue
        try:
            level = Decimal(str(value).strip())
        except InvalidOperation:
            problems.append(f"indicator {code}: level {value!r} is not a number")
            continue
        scale = spec.scales[item.scale_code]
        if not level.is_finite() or not (scale.minimum <= level <= scale.maximum):
            problems.append(f"indicator {code}: level {value} is outside {scale.minimum}..{scale.maximum}")
            continue
        levels[item.code] = level
    if problems:
        raise ScoreInputError(problems)
    return levels


def _weighted_mean(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    den = sum((w for _, w in pairs), Decimal(0))
    if not pairs or den == 0:
        return None
    return sum((v * w for v, w in pairs), Decimal(0)) / den


def compute_index(spec: FrameworkSpec, levels: Mapping[str, Decimal | int | float], *,
                  require_complete: bool = True) -> IndexResult:
    """Section scores (weighted means at every level), the index and its predicate.

    Items without a level are listed in `missing`; with `require_complete` the index is then None, because
    the regulation's index divides by the full weight of 100. Unweighted frameworks use weight 1 per item
    (a plain mean, labelled "index" only, as METHODS.md asks).
    """
    values = {code: Decimal(str(v)) for code, v in levels.items()}
    weight_of = {i.code: (i.weight if i.weight is not None else Decimal(1)) for i in spec.items}
    missing = [i.code for i in spec.items if i.code not in values]

    scores: dict[str, SectionScore] = {}

    def score_section(code: str) -> tuple[Decimal | None, int, int]:
        section = spec.section(code)
        if section is None:
            raise ScoreInputError([f"unknown section {code!r}"])
        pairs: list[tuple[Decimal, Decimal]] = []
        answered = total = 0
        for item in spec.items_in(code):
            total += 1
            if item.code in values:
                answered += 1
                pairs.append((values[item.code], weight_of[item.code]))
        for child in spec.children(code):
            child_score, a, t = score_section(child.code)
            answered += a
            total += t
            child_weight = child.weight
            if child_weight is None:
                child_weight = sum((weight_of[i.code] for i in _items_under(spec, child.code)), Decimal(0))
            if child_score is not None:
                pairs.append((child_score, child_weight))
        score = _weighted_mean(pairs)
        scores[code] = SectionScore(code=code, name=section.name, level=section.level, weight=section.weight,
                                    score=score, answered=answered, total=total)
        return score, answered, total

    for top in spec.children(None):
        score_section(top.code)

    index: Decimal | None
    if missing and require_complete:
        index = None
    else:
        answered_pairs = [(values[c], weight_of[c]) for c in values if c in weight_of]
        if spec.total_weight is not None and not missing:
            index = sum((v * w for v, w in answered_pairs), Decimal(0)) / spec.total_weight
        else:
            index = _weighted_mean(answered_pairs)
    ordered = [scores[s.code] for s in spec.sections if s.code in scores]
    return IndexResult(
        framework=spec.slug, index=index, predicate=spec.predicate(index) if index is not None else "",
        sections=ordered, items=values, missing=missing, decimals=spec.decimals,
    )


def _items_under(spec: FrameworkSpec, code: str) -> list[Any]:
    found = list(spec.items_in(code))
    for child in spec.children(code):
        found.extend(_items_under(spec, child.code))
    return found


def read_levels_csv(text: str) -> dict[str, str]:
    """Read `indicator_no,level` rows (a header row is optional); raise ScoreInputError on bad rows."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    levels: dict[str, str] = {}
    problems = []
    for n, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells):
            continue
        if n == 1 and not cells[0].replace(".", "").isdigit() and cells[0].lower().startswith(("indicator", "no")):
            continue
        if len(cells) < 2:
            problems.append(f"line {n}: expected indicator_no,level")
            continue
        if cells[0] in levels:
            problems.append(f"line {n}: indicator {cells[0]} given twice")
            continue
        levels[cells[0]] = cells[1]
    if problems:
        raise ScoreInputError(problems)
    return levels
