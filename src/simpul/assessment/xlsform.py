"""XLSForm (ODK, KoboToolbox) to a framework definition, with a report on every row of the form.

pyxform checks the whole form first, as ODK Central would; a form it refuses is refused with the sheet, the row
and the rule in plain words (never pyxform's own text). Then each row of the survey sheet becomes:

- `select_one` on a list whose choice names are 1, 2, ... n (3 to 11 of them, in order either way): a scored item
  on that list as a scale; two of them named `<code>_kepentingan` and `<code>_kinerja` form one importance and
  performance row (for IPA); `simpul_kind = level` makes it a maturity level item;
- `select_one` on any other list (a year list, names, "other"): a choice item, counted and never averaged;
  "or_other" adds an "Other" choice and the text question `<name>_other`, asked when "Other" is chosen;
- text, integer, decimal, range and date: context or respondent questions;
- a group: a section (nested groups nest), a note: text of its section;
- `relevant`: a `show_if` condition where it compares an earlier question with values (`=`, `!=`, `selected()`,
  `or` on one question, `and` between conditions, a group's condition passed to its questions); any other
  condition is reported and its question made optional;
- everything else (several answers, files, locations, calculations, device data, repeats) is skipped, with why.

The framework's code, title and version come from the settings sheet (`form_id`, `form_title`, `version`), made
safe for web addresses; without a form_id the code comes from the title or the uploaded file's name. The file is
read by its content, so an .xlsx saved under an .xls name is read all the same.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform
from pyxform.xls2xform import convert

from simpul.assessment.frameworks import FrameworkError

IMPORTANCE, PERFORMANCE = "_kepentingan", "_kinerja"
OTHER = "other"
MAX_CODE = 40  # the length of a framework's, section's and item's code
XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SCORED_POINTS = range(3, 12)  # a rating scale has 3 to 11 points

_RELEVANT_COLUMNS = ("relevant", "relevance", "bind::relevant", "bind:relevant")
_REF = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
_LITERAL = r"""(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))"""
_ATOM_EQ = re.compile(r"^\$\{([\w.-]+)\}\s*(=|!=)\s*" + _LITERAL + r"$")
_ATOM_SELECTED = re.compile(r"^(not\s*\(\s*)?selected\s*\(\s*\$\{([\w.-]+)\}\s*,\s*" + _LITERAL + r"\s*\)(\s*\))?$")
_SELECT_ONE = re.compile(r"^(?:select_one|select one|select1|select one from|select one using|"
                         r"add select one prompt using|q select1)\s+(\S+)(\s+or_other|\s+or specify other)?$", re.IGNORECASE)
_SELECT_MANY = re.compile(r"^(select_multiple|select all that apply|select multiple|add select multiple|q select\b|"
                          r"rank\b)", re.IGNORECASE)
_FROM_FILE = re.compile(r"^(select_one_from_file|select_multiple_from_file|select one from file|"
                        r"select multiple from file|select_one_external|select one external)\b", re.IGNORECASE)
_CONTROL = re.compile(r"^(begin|end)[ _]?(group|repeat|loop|looped group|lgroup)$", re.IGNORECASE)


class XlsformError(FrameworkError):
    """An XLSForm refused as a whole: `problems` in the page's language, `rows` the report so far."""

    def __init__(self, problems: list[str], *, source: str = "", rows: list[ReportRow] | None = None) -> None:
        super().__init__(problems, source=source)
        self.rows = rows or []


@dataclass
class ReportRow:
    """What became of one row of the form: imported as `what`, or skipped because of `why`."""

    sheet: str
    row: int | None
    name: str
    imported: bool
    what: str
    why: str = ""


@dataclass
class XlsformImport:
    definition: dict[str, Any]
    rows: list[ReportRow]
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(1 for r in self.rows if r.imported and r.sheet == "survey")

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if not r.imported and r.sheet == "survey")


# ---------------------------------------------------------------- reading and pyxform's verdict


def workbook_kind(content: bytes) -> str | None:
    """'.xlsx' or '.xls' by the file's first bytes (whatever its name says), None for anything else."""
    if content.startswith(XLSX_MAGIC):
        return ".xlsx"
    if content.startswith(XLS_MAGIC):
        return ".xls"
    return None


def _pyxform_rule(message: str) -> str:
    """pyxform's reason in plain words of the page's language (its own text is never shown)."""
    found = re.search(r"the '([\w:]+)' value '([^']*)'", message)
    value = found.group(2) if found else ""
    column = re.search(r"the '([\w:]+)' value", message)
    rules: list[tuple[str, Any]] = [
        (r"Question or group with no name", lambda m: _("every question and group needs a name")),
        (r"Names must begin with a letter or underscore", lambda m: _(
            "a name must start with a letter or _ and hold only letters, digits, _, - and .")),
        (r"must be unique within their nearest parent", lambda m: _(
            "the name “{name}” is used twice in the same group").format(name=value)),
        (r"Unknown question type '([^']*)'", lambda m: _("“{type}” is not a question type of XLSForm").format(
            type=m.group(1))),
        (r"Unmatched 'begin_(group|repeat)'", lambda m: _(
            "a group or repeat is opened here but never closed (no end_group or end_repeat)")),
        (r"Unmatched 'end_(group|repeat)'", lambda m: _("a group or repeat is closed here but was never opened")),
        (r"Could not find the name '([^']*)'", lambda m: _(
            "the column “{column}” refers to ${{{name}}}, but no question has that name").format(
                column=column.group(1) if column else "", name=m.group(1))),
        (r"Choice names must be unique", lambda m: _("a choice list holds the same choice name twice")),
        (r"Choices must have a name", lambda m: _("a choice has no name")),
        (r"There should be a choices sheet", lambda m: _(
            "a select question needs a “choices” sheet with the columns list_name, name and label")),
        (r"List name not in choices sheet: (\S+)", lambda m: _(
            "the choice list “{list}” is not on the choices sheet").format(list=m.group(1))),
        (r"survey element named '([^']*)' has no label", lambda m: _(
            "the question “{name}” has no label (the text the respondent reads)").format(name=m.group(1))),
        (r"You must have a sheet named 'survey'", lambda m: _("the workbook has no sheet named “survey”")),
        (r"Missing calculation", lambda m: _("a calculate row needs a formula in its calculation column")),
        (r"Duplicate column header: (.+)", lambda m: _(
            "the column name “{name}” appears twice in the first row").format(name=m.group(1).strip())),
        (r"different names for the same column were found: (.+?)\. ", lambda m: _(
            "two columns mean the same thing ({columns}); keep only one").format(columns=m.group(1))),
    ]
    for pattern, rule in rules:
        match = re.search(pattern, message)
        if match:
            return str(rule(match))
    return _("the XLSForm checker found a mistake it cannot name in plain words; open the form in ODK's or "
             "KoboToolbox's form checker to see it")


def _pyxform_problem(message: str) -> tuple[str, int | None, str]:
    """(sheet, row, translated sentence) of one pyxform refusal."""
    row_match = re.search(r"\[row : (\d+)\]", message)
    row = int(row_match.group(1)) if row_match else None
    sheet_match = re.search(r"On the '(\w+)' sheet", message)
    sheet = sheet_match.group(1) if sheet_match else ("survey" if row else "")
    rule = _pyxform_rule(message)
    if sheet and row:
        text = _("Sheet “{sheet}”, row {row}: {rule}.").format(sheet=sheet, row=row, rule=rule)
    elif sheet:
        text = _("Sheet “{sheet}”: {rule}.").format(sheet=sheet, rule=rule)
    else:
        text = _("The form: {rule}.").format(rule=rule[:1].upper() + rule[1:])
    return sheet, row, text


def read_workbook(content: bytes, *, filename: str) -> tuple[DefinitionData, dict[str, Any], list[str]]:
    """The workbook's sheets (rows keep their numbers), pyxform's form and notes on how it was read; or
    XlsformError with the reason in plain words."""
    if not content:
        raise XlsformError([_("The file is empty.")], source=filename)
    kind = workbook_kind(content)
    if kind is None:
        raise XlsformError([_("“{name}” is not an Excel workbook. Save the form as .xlsx (Excel, LibreOffice or "
                              "Google Sheets) and upload it again.").format(name=filename)], source=filename)
    notes = []
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xls", ".xlsx") and suffix != kind:
        notes.append(_("The file is named {named} but holds an {held} workbook: it was read by its content.")
                     .format(named=suffix, held=kind))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl and xlrd warn about styles they do not read
            workbook = get_xlsform(xlsform=content, file_type=kind)
            form = workbook_to_json(workbook_dict=workbook, fallback_form_name=None, warnings=[])
            convert(xlsform=content, file_type=kind, warnings=[])  # the XForm ODK Collect would get
    except PyXFormError as exc:
        raise XlsformError([_pyxform_problem(str(exc))[2]], source=filename) from exc
    except Exception as exc:  # a damaged workbook: zip, OLE or XML errors of the readers underneath
        raise XlsformError([_("The workbook cannot be read: it may be damaged. Open it in a spreadsheet "
                              "program, save it as .xlsx and upload it again.")], source=filename) from exc
    return workbook, form, notes


# ---------------------------------------------------------------- labels and conditions


def _language_key(keys: list[str], default_language: str) -> str:
    """The label column to read: Indonesian, plain `label`, English, the form's default language, in that order
    (an evaluator in Musi Banyuasin reads Indonesian or English before the form's own default)."""
    labels = [k for k in keys if k == "label" or k.startswith("label:")]

    def lang(key: str) -> str:
        return key.split(":")[-1].strip().lower()

    for key in labels:
        if re.search(r"indonesia|bahasa|\(id\)|^id$", lang(key)):
            return key
    if "label" in labels:
        return "label"
    for key in labels:
        if re.search(r"english|\(en\)|^en$", lang(key)):
            return key
    for key in labels:
        if default_language and lang(key) == default_language.strip().lower():
            return key
    return labels[0] if labels else "label"


def _label(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value in (None, ""):
        value = next((v for k, v in row.items() if (k == "label" or k.startswith("label:")) and v), "")
    return str(value).strip()


def _literal(match: re.Match[str], first: int) -> str:
    groups = match.groups()[first:first + 3]
    return next(g for g in groups if g is not None)


def _atom(text: str) -> tuple[str, str, str] | None:
    """(question, '=' or '!=', value) of one comparison, or None."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and text.count("(") == text.count(")"):
        text = text[1:-1].strip()
    match = _ATOM_EQ.match(text)
    if match:
        return match.group(1), match.group(2), _literal(match, 2)
    match = _ATOM_SELECTED.match(text)
    if match:
        return match.group(2), "!=" if match.group(1) else "=", _literal(match, 2)
    return None


def parse_relevant(expression: str) -> list[dict[str, Any]] | None:
    """`relevant` as show_if conditions (all must hold), or None when it is more than comparisons of
    questions with values joined by `and` (and `or` on one question)."""
    text = expression.translate(_QUOTES).strip()
    if not text or text.count("(") != text.count(")"):
        return None
    conditions = []
    for part in re.split(r"\s+and\s+", text):
        atoms = [_atom(a) for a in re.split(r"\s+or\s+", part.strip())]
        if any(a is None for a in atoms):
            return None
        found = [a for a in atoms if a is not None]
        names = {a[0] for a in found}
        ops = {a[1] for a in found}
        if len(names) != 1 or len(ops) != 1 or (ops == {"!="} and len(found) > 1):
            return None
        name, op = found[0][0], found[0][1]
        values = [a[2] for a in found]
        if op == "!=" and values == [""]:
            conditions.append({"item": name, "op": "answered"})
        elif "" in values:
            return None
        else:
            conditions.append({"item": name, "op": "in" if op == "=" else "not_in", "values": values})
    return conditions


# ---------------------------------------------------------------- the walk over the survey sheet


def _code(text: str, limit: int = MAX_CODE) -> str:
    return slugify(text)[:limit].strip("-_")


def _safe_version(raw: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", raw.strip()).strip("-._")[:MAX_CODE]


def _type_of(raw: str) -> str:
    """The question type as pyxform knows it ('' when unknown), after pyxform's own aliases."""
    for candidate in (raw, raw.lower()):
        if candidate in QUESTION_TYPE_DICT:
            return candidate
    return ""


def _skip_reason(kind: str) -> str:
    """Why a question type has no place in a round."""
    spec = QUESTION_TYPE_DICT.get(kind, {})
    bind = spec.get("bind", {}).get("type")
    tag = spec.get("control", {}).get("tag")
    if kind in ("calculate", "hidden", "add calculate prompt", "q calculate"):
        return _("a calculation, not a question")
    if kind in ("xml-external", "csv-external"):
        return _("data from a file outside the form")
    if bind in ("geopoint", "geoshape", "geotrace"):
        return _("a location from the device's GPS; a round keeps no locations")
    if bind == "binary" and tag in ("upload", None) and kind not in ("audit",):
        return _("a photo, recording or file; add it to the round as evidence instead")
    if tag is None or tag == "action":
        return _("filled in by the device, not asked")
    if bind in ("dateTime", "time"):
        return _("a time of day; a round keeps dates only")
    if bind == "barcode":
        return _("a scanned barcode")
    if tag == "trigger":
        return _("a confirmation tick with no answer to keep")
    return _("this question type ({type}) has no place in a round").format(type=kind)


@dataclass
class _Section:
    code: str
    name: str
    parent: _Section | None
    row: int
    weight: str = ""
    notes: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def has_content(self) -> bool:
        return bool(self.items or self.notes or any(c.has_content() for c in self.children))

    def as_definition(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name[:300] or self.code, "items": self.items}
        if self.weight:
            out["weight"] = self.weight
        if self.notes:
            out["text"] = "\n\n".join(self.notes)
        children = [c.as_definition() for c in self.children if c.has_content()]
        if children:
            out["sections"] = children
        return out


class _Walk:
    """One pass over the survey sheet, in order, keeping every row's fate."""

    def __init__(self, workbook: DefinitionData) -> None:
        self.rows = list(workbook.survey or [])
        self.settings = {str(k).lower(): v for k, v in ((workbook.settings or [{}])[0] or {}).items()}
        headers = sorted({k for r in self.rows for k in r})
        self.label_key = _language_key(headers, str(self.settings.get("default_language") or ""))
        # an English label column besides the one read ("label::English (en)"): the items' English text
        self.english_key = next((k for k in headers if k != self.label_key and k.startswith("label:")
                                 and re.search(r"english|\(en\)|^en$", k.split(":")[-1].strip().lower())), "")
        choice_rows = list(workbook.choices or [])
        self.choice_label_key = _language_key(sorted({k for r in choice_rows for k in r}),
                                              str(self.settings.get("default_language") or ""))
        self.lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for number, row in enumerate(choice_rows, start=2):
            name = row.get("list_name") or row.get("list name")
            if name and row.get("name") not in (None, ""):
                self.lists.setdefault(str(name).strip(), []).append((number, row))
        self.labels = {str(r["name"]): _label(r, self.label_key) for r in self.rows if r.get("name")}
        self.report: list[ReportRow] = []
        self.scales: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}  # code -> item, in order
        self.item_rows: dict[str, int] = {}
        self.top = _Section(code="", name="", parent=None, row=0)
        self.loose: _Section | None = None  # the section of questions outside any group, since the last group
        self.section_codes: set[str] = set()
        self.section_rows: list[tuple[_Section, ReportRow]] = []  # a section's begin and end rows

    # -- helpers

    def add(self, row: int | None, name: str, imported: bool, what: str, why: str = "") -> ReportRow:
        entry = ReportRow("survey", row, name, imported, what, why)
        self.report.append(entry)
        return entry

    def text(self, raw: str) -> tuple[str, list[str]]:
        """A label with ${name} references replaced by the referenced question's label, and those names."""
        names = _REF.findall(raw)

        def piped(match: re.Match[str]) -> str:
            return "«" + (self.labels.get(match.group(1)) or match.group(1)) + "»"

        return _REF.sub(piped, raw), names

    def scale_for(self, list_name: str, with_other: bool) -> tuple[str, bool, str]:
        """(scale code, scored?, why not scored) of a choice list, registering the scale once."""
        entries = self.lists.get(list_name, [])
        names = [str(r["name"]).strip() for _n, r in entries]
        numbers = [int(n) for n in names if re.fullmatch(r"\d+", n)]
        scored = (not with_other and len(numbers) == len(names) and len(names) in SCORED_POINTS
                  and sorted(numbers) == list(range(1, len(names) + 1))
                  and numbers in (sorted(numbers), sorted(numbers, reverse=True)))
        why = ""
        if not scored and names and len(numbers) == len(names):
            why = _("its choices are numbers but not a rating scale 1, 2, … (3 to 11 points): they are counted as "
                    "categories, never averaged")
        code = _code(list_name) or "list"
        if with_other:
            code = _code(list_name, MAX_CODE - 6) + "-other"
        while code in self.scales and self.scales[code]["_list"] != (list_name, with_other):
            code = code[:MAX_CODE - 2] + "-x"
        if code not in self.scales:
            points: list[dict[str, Any]] = []
            for _n, r in entries:
                if any(p["code"] == str(r["name"]).strip() for p in points):
                    continue  # the same name twice (allow_choice_duplicates, for a filter): one answer
                label = _label(r, self.choice_label_key) or str(r["name"])
                value = int(str(r["name"]).strip()) if scored else len(points) + 1
                points.append({"value": value, "code": str(r["name"]).strip(), "label_id": self.text(label)[0]})
            if with_other and OTHER not in names:
                points.append({"value": len(points) + 1, "code": OTHER, "label_id": _("Other")})
            self.scales[code] = {"kind": "likert" if scored else "nominal", "name": list_name, "points": points,
                                 "_list": (list_name, with_other)}
        return code, scored, why

    def conditions(self, row: dict[str, Any], section: _Section) -> tuple[list[dict[str, Any]], list[str]]:
        """The row's show_if (its own and its groups'), and the expressions that could not be kept."""
        found: list[dict[str, Any]] = []
        unmapped: list[str] = []
        current: _Section | None = section
        while current is not None:
            found = current.conditions + found
            unmapped = current.unmapped + unmapped
            current = current.parent
        expression = next((str(row[c]) for c in _RELEVANT_COLUMNS if row.get(c)), "")
        if expression:
            mapped = self.map_relevant(expression)
            if mapped is None:
                unmapped.append(expression)
            else:
                found = found + mapped
        return found, unmapped

    def map_relevant(self, expression: str) -> list[dict[str, Any]] | None:
        """show_if conditions naming earlier imported items with answers they can have; None otherwise."""
        conditions = parse_relevant(expression)
        if conditions is None:
            return None
        for cond in conditions:
            target = self.items.get(cond["item"])
            if target is None or target["kind"] in ("dual",):
                return None
            if cond["op"] == "answered":
                continue
            if target.get("scale"):
                scale = self.scales[target["scale"]]
                keys = {p["code"] if scale["kind"] == "nominal" else str(p["value"]) for p in scale["points"]}
                cond["values"] = [str(v) for v in cond["values"]]
                if any(v not in keys for v in cond["values"]):
                    return None
            else:
                return None  # comparing a typed answer (a number, a date) is more than show-if keeps
        return conditions

    # -- the walk

    def run(self) -> None:
        section = self.top
        repeat_depth = 0
        repeat_name = ""
        for index, row in enumerate(self.rows):
            number = index + 2
            if not row:
                continue
            name = str(row.get("name") or "").strip()
            raw_type = re.sub(r"\s+", " ", str(row.get("type") or "").strip())
            control = _CONTROL.match(raw_type)
            if repeat_depth:
                if control and control.group(2).lower() != "group":
                    repeat_depth += 1 if control.group(1).lower() == "begin" else -1
                if repeat_depth:
                    self.add(number, name, False, raw_type, _(
                        "inside the repeat “{name}”: a repeat asks its questions again and again, and a round "
                        "keeps one answer per question").format(name=repeat_name))
                else:
                    self.add(number, name, False, _("end of the repeat “{name}”").format(name=repeat_name),
                             _("a repeat's questions are skipped"))
                continue
            if not raw_type:
                self.add(number, name, False, _("no type"), _("a row without a type is not a question (a comment?)"))
                continue
            if control:
                begin = control.group(1).lower() == "begin"
                is_group = control.group(2).lower() == "group"
                if begin and not is_group:
                    repeat_depth, repeat_name = 1, name
                    self.add(number, name, False, _("repeat"), _(
                        "a repeat asks its questions again and again, and a round keeps one answer per question; "
                        "its questions are skipped"))
                elif begin:
                    section = self.begin_section(number, name, row, section)
                else:
                    end = self.add(number, name, True, _("end of the section “{name}”").format(name=section.name))
                    self.section_rows.append((section, end))
                    section = section.parent or self.top
                continue
            self.question(number, name, raw_type, row, self.section_of(section))
        self.pair_dual()

    def unique_code(self, wanted: str) -> str:
        code, n = wanted, 2
        while code in self.section_codes:
            code, n = f"{wanted[:MAX_CODE - 3]}-{n}", n + 1
        self.section_codes.add(code)
        return code

    def section_of(self, section: _Section) -> _Section:
        """Where a row goes: its group, or for a row outside any group the current run of such rows ("Umum"),
        so the questions keep the form's order."""
        if section is not self.top:
            return section
        if self.loose is None:
            self.loose = _Section(code=self.unique_code("umum"), name="Umum", parent=None, row=0)
            self.top.children.append(self.loose)
        return self.loose

    def begin_section(self, number: int, name: str, row: dict[str, Any], parent: _Section) -> _Section:
        code = self.unique_code(_code(name) or "bagian")
        if parent is self.top:
            self.loose = None
        label = self.text(_label(row, self.label_key))[0] or name
        section = _Section(code=code, name=label, parent=parent if parent is not self.top else None, row=number,
                           weight=str(row.get("simpul_weight") or ""))
        parent.children.append(section)
        expression = next((str(row[c]) for c in _RELEVANT_COLUMNS if row.get(c)), "")
        why = ""
        if expression:
            mapped = self.map_relevant(expression)
            if mapped is None:
                section.unmapped.append(expression)
                why = _("its condition “{condition}” cannot be kept: its questions are always asked, and optional"
                        ).format(condition=expression)
            else:
                section.conditions = mapped
                why = _("its condition “{condition}” is kept on each of its questions").format(condition=expression)
        appearance = str(row.get("appearance") or "").lower()
        what = _("section “{name}”").format(name=label)
        if "field-list" in appearance or "table-list" in appearance:
            what = _("section “{name}” (all on one page in ODK Collect)").format(name=label)
        self.section_rows.append((section, self.add(number, name, True, what, why)))
        return section

    def question(self, number: int, name: str, raw_type: str, row: dict[str, Any], section: _Section) -> None:
        label, refs = self.text(_label(row, self.label_key))
        notes = []
        if refs:
            notes.append(_("the reference {refs} in its text is shown as the question it names, between « »")
                         .format(refs=", ".join("${" + r + "}" for r in refs)))
        kind = _type_of(raw_type)
        if kind in ("note", "add note prompt", "q note"):
            if label:
                section.notes.append(label)
            self.add(number, name, True, _("text of the section “{name}”").format(name=section.name),
                     "; ".join(notes))
            return
        if _FROM_FILE.match(raw_type):
            self.add(number, name, False, raw_type, _("its choices come from a file outside the form"))
            return
        if _SELECT_MANY.match(raw_type):
            self.add(number, name, False, raw_type, _(
                "several answers to one question; a round keeps one answer per question"))
            return
        select = _SELECT_ONE.match(raw_type)
        if select is None and not kind:
            self.add(number, name, False, raw_type, _("this question type ({type}) has no place in a round").format(
                type=raw_type))
            return
        if len(name) > MAX_CODE:
            self.add(number, name, False, raw_type, _("its name is longer than {n} characters").format(n=MAX_CODE))
            return
        if name in self.items:
            self.add(number, name, False, raw_type, _("an earlier question has the same name"))
            return
        item: dict[str, Any]
        if select is not None:
            list_name, with_other = select.group(1), bool(select.group(2))
            scale, scored, not_scored = self.scale_for(list_name, with_other)
            simpul_kind = str(row.get("simpul_kind") or "").strip().lower()
            if scored and simpul_kind == "level":
                self.scales[scale]["kind"] = "level"
                item = {"code": name, "text": label or name, "scale": scale, "kind": "level"}
                what = _("maturity level item on the scale “{list}”").format(list=list_name)
            elif scored:
                item = {"code": name, "text": label or name, "scale": scale, "kind": "likert"}
                what = _("scored item on the scale “{list}”").format(list=list_name)
            else:
                item = {"code": name, "text": label or name, "scale": scale, "kind": "choice"}
                what = _("choice item on the list “{list}”").format(list=list_name)
                if not_scored:
                    notes.append(not_scored)
            if row.get("choice_filter"):
                notes.append(_("its choice filter “{filter}” is not applied: every choice of the list is offered")
                             .format(filter=row["choice_filter"]))
        elif str(row.get("simpul_kind") or "").strip().lower() == "explanation" and self._explains(name):
            target = self.items[name[: -len("_alasan")]]
            target["requires_explanation"] = self._required(row)[0]
            self.add(number, name, True, _("the explanation of the level item “{code}”").format(code=target["code"]))
            return
        elif kind in ("text", "string", "phone number", "add text prompt", "q string"):
            item = {"code": name, "text": label or name, "kind": "text"}
            what = _("context or respondent question (text)")
        elif QUESTION_TYPE_DICT.get(kind, {}).get("bind", {}).get("type") == "int" and \
                QUESTION_TYPE_DICT[kind].get("control", {}).get("tag") in ("input", "range"):
            item = {"code": name, "text": label or name, "kind": "integer"}
            what = _("context or respondent question (whole number)")
            step = str(row.get("parameters") or "").replace(" ", "")
            if kind == "range" and re.search(r"step=\d*\.\d*[1-9]", step):
                item["kind"] = "decimal"
                what = _("context or respondent question (number)")
        elif kind in ("decimal", "add decimal prompt", "q decimal"):
            item = {"code": name, "text": label or name, "kind": "decimal"}
            what = _("context or respondent question (number)")
        elif kind in ("date", "add date prompt", "q date"):
            item = {"code": name, "text": label or name, "kind": "date"}
            what = _("context or respondent question (date)")
        else:
            self.add(number, name, False, raw_type, _skip_reason(kind))
            return
        required, required_note = self._required(row)
        conditions, unmapped = self.conditions(row, section)
        if required_note:
            notes.append(required_note)
        if unmapped:
            required = False
            notes.append(_("its condition “{condition}” cannot be kept: the question is always asked, and optional")
                         .format(condition=" and ".join(unmapped)))
        elif conditions:
            notes.append(_("asked only if {condition}").format(condition=self.describe(conditions)))
        if not required:
            item["required"] = False
        if conditions and not unmapped:
            item["show_if"] = conditions
        if row.get("simpul_weight"):
            item["weight"] = str(row["simpul_weight"])
        english = str(row.get(self.english_key) or "").strip() if self.english_key else ""
        if english:
            item["text_en"] = self.text(english)[0]
        section.items.append(item)
        self.items[name] = item
        self.item_rows[name] = len(self.report)
        entry = self.add(number, name, True, what, "; ".join(notes))
        if select is not None and select.group(2):
            other = f"{name}_other"[:MAX_CODE]
            if other not in self.items and other not in self.labels:
                other_item = {"code": other, "text": _("Other, namely:") + " " + (label or name), "kind": "text",
                              "required": False, "show_if": [{"item": name, "op": "in", "values": [OTHER]}]}
                section.items.append(other_item)
                self.items[other] = other_item
                entry.what = _("choice item on the list “{list}”, with “Other” and the text question “{other}” "
                               "asked when “Other” is chosen").format(list=select.group(1), other=other)

    def _explains(self, name: str) -> bool:
        base = name[: -len("_alasan")] if name.endswith("_alasan") else ""
        return bool(base) and self.items.get(base, {}).get("kind") == "level"

    def _required(self, row: dict[str, Any]) -> tuple[bool, str]:
        value = str(row.get("required") or "").strip()
        if value.lower() in ("yes", "true", "true()", "1"):
            return True, ""
        if value.lower() in ("", "no", "false", "false()", "0"):
            return False, ""
        return False, _("it is required only when “{condition}”: it is kept optional").format(condition=value)

    def describe(self, conditions: list[dict[str, Any]]) -> str:
        """Conditions in words, a choice shown by its label (as the respondent sees it)."""
        parts = []
        for cond in conditions:
            scale = self.scales.get(self.items.get(cond["item"], {}).get("scale", ""), {})
            labels = {p["code"] if scale.get("kind") == "nominal" else str(p["value"]): p["label_id"]
                      for p in scale.get("points", [])}
            cond = {**cond, "values": [labels.get(v) or v for v in cond.get("values", [])]}
            if cond["op"] == "answered":
                parts.append(_("“{item}” is answered").format(item=cond["item"]))
            elif cond["op"] == "in":
                parts.append(_("“{item}” is {values}").format(item=cond["item"], values=" / ".join(cond["values"])))
            else:
                parts.append(_("“{item}” is not {values}").format(item=cond["item"],
                                                                   values=" / ".join(cond["values"])))
        return _(" and ").join(parts)

    def pair_dual(self) -> None:
        """`<code>_kepentingan` and `<code>_kinerja` on scales of the same values, in one section, become one
        importance and performance item."""
        for section in self._all_sections():
            by_code = {i["code"]: i for i in section.items}
            kept = []
            for item in section.items:
                code = item["code"]
                base = code[: -len(IMPORTANCE)] if code.endswith(IMPORTANCE) else \
                    code[: -len(PERFORMANCE)] if code.endswith(PERFORMANCE) else ""
                imp, perf = by_code.get(base + IMPORTANCE), by_code.get(base + PERFORMANCE)
                if not base or imp is None or perf is None or imp["kind"] != "likert" or perf["kind"] != "likert" \
                        or base in by_code or self._dual_blocked(imp, perf):
                    kept.append(item)
                    continue
                if code.endswith(PERFORMANCE):
                    continue
                scale = self.scales[imp["scale"]]
                perf_scale = self.scales[perf["scale"]]
                if [p["value"] for p in perf_scale["points"]] != [p["value"] for p in scale["points"]]:
                    kept.append(item)
                    continue
                if perf["scale"] != imp["scale"]:
                    scale.setdefault("performance_points", perf_scale["points"])
                dual = {k: v for k, v in imp.items() if k not in ("code", "kind")}
                dual.update({"code": base, "kind": "dual"})
                kept.append(dual)
                for half, what in ((imp, _("importance half of the importance-performance item “{code}”")),
                                   (perf, _("performance half of the importance-performance item “{code}”"))):
                    report = self.report[self.item_rows[half["code"]]]
                    report.what = what.format(code=base)
                self.items[base] = dual
            section.items = kept

    def _dual_blocked(self, imp: dict[str, Any], perf: dict[str, Any]) -> bool:
        """A later condition naming one half would lose its question once the halves are one item."""
        names = {imp["code"], perf["code"]}
        return any(c.get("item") in names for i in self.items.values() for c in i.get("show_if", []))

    def _all_sections(self) -> Iterator[_Section]:
        stack = [self.top]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(current.children)


def xlsform_to_definition(content: bytes, *, filename: str = "form.xlsx") -> XlsformImport:
    """The framework definition of an XLSForm file's bytes, with the report of every row; XlsformError (in
    the page's language, naming sheet, row and rule) for a form that cannot be imported."""
    workbook, _form, notes = read_workbook(content, filename=filename)
    walk = _Walk(workbook)
    walk.run()
    for section, entry in walk.section_rows:
        if not section.has_content():
            entry.imported = False
            entry.why = _("none of the section's rows could be kept, so it is left out")
    settings_row, code, version, title = _settings(walk.settings, filename)
    rows = [settings_row, *walk.report]
    if not walk.items:
        raise XlsformError([_("None of the form's questions can be kept in a round; the list below says why for "
                              "each row.")], source=filename, rows=rows)
    sections = [s.as_definition() for s in walk.top.children if s.has_content()]
    scales = {c: {k: v for k, v in s.items() if not k.startswith("_")} for c, s in walk.scales.items()
              if any(i.get("scale") == c for i in walk.items.values())}
    definition = {
        "code": code, "version": version, "name": title[:300], "source": _("XLSForm “{name}”").format(name=filename),
        "status": "draft", "verified": False, "section_levels": ["section"], "scales": scales, "sections": sections,
    }
    return XlsformImport(definition=definition, rows=rows, notes=notes)


def _settings(settings: dict[str, Any], filename: str) -> tuple[ReportRow, str, str, str]:
    """The settings row of the report, and the framework's code, version and title."""
    stem = PurePath(filename).stem
    form_id = str(settings.get("form_id") or settings.get("set_form_id") or settings.get("id_string") or "")
    title = str(settings.get("form_title") or settings.get("set_form_title") or settings.get("title") or "").strip()
    why = []
    code = _code(form_id)
    if not code:
        code = _code(title) or _code(stem) or "xlsform"
        source = _("the form title") if _code(title) else _("the file name")
        why.append(_("the settings sheet has no form_id: the code comes from {source}").format(source=source))
    elif code != form_id:
        why.append(_("form_id “{raw}” is made safe for web addresses: “{code}”").format(raw=form_id, code=code))
    raw_version = str(settings.get("version") or "").strip()
    version = _safe_version(raw_version) or "1"
    if not raw_version:
        why.append(_("the settings sheet has no version: version 1"))
    elif version != raw_version:
        why.append(_("version “{raw}” is made safe for web addresses: “{version}”").format(raw=raw_version,
                                                                                             version=version))
    if not title:
        title = form_id or stem
    entry = ReportRow("settings", 2 if settings else None, "form_id", True,
                      _("framework {code}, version {version}: “{title}”").format(code=code, version=version,
                                                                                 title=title), "; ".join(why))
    return entry, code, version, title
