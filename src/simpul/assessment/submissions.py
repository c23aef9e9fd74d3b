"""Reading an ODK Central or KoboToolbox submissions export (CSV or XLSX) as answers to a round's framework.

Columns are matched to the questions of the framework's XLSForm (`xlsform_export.framework_fields`) by their
path as ODK Central writes it (`group-question`), as Kobo writes it (`group/question`) or by the question's name
alone; the instance id comes from `meta/instanceID`, `meta-instanceID`, `instanceID`, `KEY` or `_uuid`, and
becomes the response's id, so a submission imported twice is recognised. A choice is read by its name (as both
tools export by default) or by its label. Writing the answers is `services.round_import_submissions`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from simpul.assessment.frameworks import FrameworkSpec
from simpul.assessment.xlsform_export import Field, choice_name, framework_fields

ID_COLUMNS = ("meta/instanceid", "meta-instanceid", "instanceid", "key", "_uuid", "meta/uuid", "uuid")


@dataclass
class ColumnMap:
    fields: dict[str, Field]  # column -> the question it answers
    id_column: str
    ignored: list[str]
    missing: list[Field]  # required questions with no column


def map_columns(columns: list[str], spec: FrameworkSpec) -> ColumnMap:
    """Which column answers which question, and which column holds the instance id ('' when none does)."""
    fields = framework_fields(spec)
    by_path: dict[str, Field] = {}
    for f in fields:
        for path in f.paths:
            by_path.setdefault(path.lower(), f)
    mapped: dict[str, Field] = {}
    ignored = []
    lowered = {c.lower(): c for c in columns}
    id_column = next((lowered[c] for c in ID_COLUMNS if c in lowered), "")
    for column in columns:
        found = by_path.get(column.strip().lower())
        if found is not None and found not in mapped.values():
            mapped[column] = found
        elif column != id_column:
            ignored.append(column)
    answered = {(f.item, f.part) for f in mapped.values()}
    required = {i.code for i in spec.items if i.required and not i.show_if}
    missing = [f for f in fields if f.item in required and f.part not in ("explanation",)
               and (f.item, f.part) not in answered]
    return ColumnMap(mapped, id_column, ignored, missing)


def response_id(instance_id: str) -> uuid.UUID:
    """The response id of a submission: its instanceID's UUID ("uuid:..."), else a UUID derived from it."""
    text = instance_id.strip()
    try:
        return uuid.UUID(text.removeprefix("uuid:"))
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, "odk-instance:" + text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def row_answers(row: dict[str, Any], columns: ColumnMap, spec: FrameworkSpec
                ) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The answers of one submission, in the shape `validate_answers` takes, and what could not be read."""
    answers: dict[str, dict[str, Any]] = {}
    problems = []
    for column, f in columns.fields.items():
        text = _cell(row.get(column))
        if not text:
            continue
        item = spec.item(f.item)
        if item is None:
            continue
        entry = answers.setdefault(item.code, {})
        if f.part in ("answer_text", "explanation"):
            entry[f.part] = text
            continue
        scale = spec.scales[item.scale_code]
        points = scale.performance_points if f.part == "performance" and scale.performance_points else scale.points
        point = next((p for p in points if choice_name(scale, p) == text), None)
        if point is None:
            point = next((p for p in points if text.lower() in {p.label_id.lower(), p.code.lower()}), None)
        if point is None:
            problems.append(_("column “{column}”: “{value}” is not one of its choices").format(column=column,
                                                                                              value=text))
            continue
        entry[f.part] = point.value
    return answers, problems
