"""A framework as an XLSForm (.xlsx) to collect with ODK Collect or KoboToolbox offline, and the names its
answers come back under (for the submissions CSV import).

Sections become groups (nested as they are nested), a section's text a note; a scored item is a `select_one` on
its scale's list, whose choice names are the scale's values 1, 2, ...; an importance and performance row is two
questions, `<code>_kepentingan` and `<code>_kinerja` (the second on the performance labels when the scale has
them); a maturity level item is marked `simpul_kind = level` and followed by `<code>_alasan`, its explanation; a
choice item is a `select_one` on its categories; context questions are text, integer, decimal or date; `show_if`
becomes `relevant`. Weights ride along in `simpul_weight`, a column ODK and Kobo ignore, so the file imports
back as the same framework. Names that are not XML names (an SPBE indicator "1") get a `q_` in front.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from simpul.assessment.frameworks import OPEN_KINDS, FrameworkSpec, ItemSpec, Scale, ScalePoint, SectionSpec

IMPORTANCE, PERFORMANCE, EXPLANATION = "_kepentingan", "_kinerja", "_alasan"
SURVEY_COLUMNS = ["type", "name", "label", "required", "relevant", "simpul_kind", "simpul_weight"]
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def xml_name(code: str) -> str:
    """`code` as an XLSForm name: itself when it is an XML name, else with `q_` in front and other signs as _."""
    if _XML_NAME.fullmatch(code) and not code.lower().startswith("xml") and code != "meta":
        return code
    return "q_" + re.sub(r"[^A-Za-z0-9_.-]", "_", code)


@dataclass(frozen=True)
class Field:
    """One question of the exported form: the item it answers, which part of the answer, its name and the
    names of its groups (outermost first)."""

    item: str
    part: str  # "value", "performance", "level", "explanation" or "answer_text"
    name: str
    groups: tuple[str, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """How a submissions export may name its column: ODK Central `a-b-name`, Kobo `a/b/name`, or the name."""
        if not self.groups:
            return (self.name,)
        return ("/".join((*self.groups, self.name)), "-".join((*self.groups, self.name)), self.name)


@dataclass
class _Names:
    """Every name in the form, unique across the whole survey sheet (ODK wants ${name} to name one thing):
    items keep theirs, a section whose name is taken gets `_bagian`."""

    items: dict[str, str]
    sections: dict[str, str]


def form_names(spec: FrameworkSpec) -> _Names:
    taken: set[str] = set()
    items = {}
    for item in spec.items:
        name = xml_name(item.code)
        items[item.code] = name
        taken |= {name, name + IMPORTANCE, name + PERFORMANCE, name + EXPLANATION}
    sections = {}
    for section in spec.sections:
        name, n = xml_name(section.code), 2
        base = name
        while name in taken:
            name, n = f"{base}_bagian{'' if n == 2 else n}", n + 1
        taken.add(name)
        sections[section.code] = name
    return _Names(items, sections)


def _section_paths(spec: FrameworkSpec, names: _Names) -> dict[str, tuple[str, ...]]:
    paths: dict[str, tuple[str, ...]] = {}
    for section in spec.sections:
        chain = []
        current: SectionSpec | None = section
        while current is not None:
            chain.append(names.sections[current.code])
            current = spec.section(current.parent_code) if current.parent_code else None
        paths[section.code] = tuple(reversed(chain))
    return paths


def framework_fields(spec: FrameworkSpec) -> list[Field]:
    """Every question of the framework's XLSForm, in order."""
    names = form_names(spec)
    paths = _section_paths(spec, names)
    fields = []
    for item in spec.items:
        name, groups = names.items[item.code], paths.get(item.section_code, ())
        if item.kind == "dual":
            fields += [Field(item.code, "value", name + IMPORTANCE, groups),
                       Field(item.code, "performance", name + PERFORMANCE, groups)]
        elif item.kind == "level":
            fields += [Field(item.code, "level", name, groups), Field(item.code, "explanation", name + EXPLANATION,
                                                                      groups)]
        elif item.kind in OPEN_KINDS:
            fields.append(Field(item.code, "answer_text", name, groups))
        else:
            fields.append(Field(item.code, "value", name, groups))
    return fields


def _label(point: ScalePoint) -> str:
    parts = [p for p in (point.code if point.code != str(point.value) else "", point.label_id) if p]
    return " – ".join(dict.fromkeys(parts)) or str(point.value)


def choice_name(scale: Scale, point: ScalePoint) -> str:
    """The choice's name in the XLSForm: the category's code on a nominal scale, else the value."""
    return point.code if scale.kind == "nominal" else str(point.value)


def _relevant(item: ItemSpec, names: _Names) -> str:
    parts = []
    for cond in item.show_if:
        ref = "${" + names.items.get(str(cond["item"]), xml_name(str(cond["item"]))) + "}"
        values = [str(v) for v in cond.get("values") or []]
        quoted = ['"' + v + '"' if "'" in v else "'" + v + "'" for v in values]
        if cond.get("op") == "answered":
            parts.append(f"{ref} != ''")
        elif cond.get("op") == "not_in":
            parts.append(" and ".join(f"{ref} != {q}" for q in quoted))
        else:
            joined = " or ".join(f"{ref} = {q}" for q in quoted)
            parts.append(f"({joined})" if len(quoted) > 1 else joined)
    return " and ".join(parts)


class _Sheets:
    def __init__(self, spec: FrameworkSpec) -> None:
        self.spec = spec
        self.names = form_names(spec)
        self.survey: list[list[str]] = []
        self.choices: list[list[str]] = []
        self.lists: set[str] = set()

    def choice_list(self, name: str, scale: Scale, points: tuple[ScalePoint, ...],
                    labels: dict[str, str] | None = None) -> str:
        list_name = xml_name(name)
        if list_name not in self.lists:
            self.lists.add(list_name)
            for point in points:
                label = (labels or {}).get(str(point.value)) or ""
                self.choices.append([list_name, choice_name(scale, point),
                                     f"{point.value} – {label}" if label else _label(point)])
        return list_name

    def question(self, kind: str, name: str, label: str, *, required: bool, relevant: str = "",
                 simpul_kind: str = "", weight: str = "") -> None:
        self.survey.append([kind, name, label, "yes" if required else "", relevant, simpul_kind, weight])

    def item(self, item: ItemSpec) -> None:
        name, relevant = self.names.items[item.code], _relevant(item, self.names)
        weight = "" if item.weight is None else str(item.weight)
        if item.kind in OPEN_KINDS:
            self.question(item.kind, name, item.text, required=item.required, relevant=relevant, weight=weight)
            return
        scale = self.spec.scales[item.scale_code]
        if item.kind == "level" and item.level_criteria:
            list_name = self.choice_list(f"{item.scale_code}_{item.code}", scale, scale.points, item.level_criteria)
        else:
            list_name = self.choice_list(item.scale_code, scale, scale.points)
        if item.kind == "dual":
            perf_list = list_name
            if scale.performance_points:
                perf_list = self.choice_list(item.scale_code + PERFORMANCE, scale, scale.performance_points)
            self.question(f"select_one {list_name}", name + IMPORTANCE,
                          _("{text} (how important is it?)").format(text=item.text), required=item.required,
                          relevant=relevant, weight=weight)
            self.question(f"select_one {perf_list}", name + PERFORMANCE,
                          _("{text} (how good is it now?)").format(text=item.text), required=item.required,
                          relevant=relevant)
        elif item.kind == "level":
            self.question(f"select_one {list_name}", name, item.text, required=item.required, relevant=relevant,
                          simpul_kind="level", weight=weight)
            self.question("text", name + EXPLANATION, _("Why this level?"), required=item.requires_explanation,
                          relevant="${" + name + "} != ''", simpul_kind="explanation")
        else:
            self.question(f"select_one {list_name}", name, item.text, required=item.required, relevant=relevant,
                          weight=weight)

    def section(self, section: SectionSpec) -> None:
        name = self.names.sections[section.code]
        self.survey.append(["begin_group", name, section.name, "", "", "",
                            "" if section.weight is None else str(section.weight)])
        if section.text:
            self.survey.append(["note", f"{name}_teks", section.text, "", "", "", ""])
        for item in self.spec.items_in(section.code):
            self.item(item)
        for child in self.spec.children(section.code):
            self.section(child)
        self.survey.append(["end_group", "", "", "", "", "", ""])


def _sheet(workbook: Workbook, title: str, rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=str(value) if value not in (None, "") else None)
            if cell.value is not None:
                cell.data_type = "s"  # a label beginning with "=" stays text, never a formula
            cells.append(cell)
        sheet.append(cells)


def framework_to_xlsform(spec: FrameworkSpec) -> bytes:
    """The framework as an XLSForm workbook (survey, choices, settings)."""
    sheets = _Sheets(spec)
    for section in spec.children(None):
        sheets.section(section)
    workbook = Workbook(write_only=True)
    _sheet(workbook, "survey", [SURVEY_COLUMNS, *sheets.survey])
    _sheet(workbook, "choices", [["list_name", "name", "label"], *sheets.choices])
    _sheet(workbook, "settings", [["form_title", "form_id", "version"], [spec.name, spec.code, spec.version]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsform_filename(spec: FrameworkSpec) -> str:
    return f"{spec.slug}-xlsform.xlsx"
