"""Writes of the regions app: importing a Kemendagri region file.

`region_import` loads regions from a CSV file (columns `code`, `name`, `level`, `kind`) or from rows (the
home kabupaten's, read from the national tree by `simpul.regions.national`). It validates every row before
touching the database, then writes everything in one transaction, so a bad file imports nothing. Re-importing the same file changes nothing; a changed name,
level or kind updates the existing row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from simpul.core.services import audit_record
from simpul.regions.models import CODE_RE, LEVEL_DEPTH, Region, RegionLevel, VillageKind
from simpul.regions.selectors import area_codes_forget

REQUIRED_COLUMNS = ("code", "name", "level")
# The first digit of a village code's last part: 1 = kelurahan, 2 = desa (Kemendagri convention).
KIND_BY_VILLAGE_DIGIT = {"1": VillageKind.KELURAHAN, "2": VillageKind.DESA}
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class RegionImportError:
    """One problem in a region file: its line (the header is line 1), a stable code and a message."""

    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


class RegionImportFailed(Exception):
    """The file has problems; nothing was imported."""

    def __init__(self, errors: list[RegionImportError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: str
    kind: str

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def _depth(code: str) -> int:
    return code.count(".") + 1


def _read_rows(file: TextIO) -> tuple[list[tuple[int, Mapping[str, Any]]], list[RegionImportError]]:
    reader = csv.DictReader(file)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        message = _("Line 1: the header must have the columns {columns}; missing: {missing}.").format(
            columns=", ".join((*REQUIRED_COLUMNS, "kind")), missing=", ".join(missing)
        )
        return [], [RegionImportError(line=1, code="missing_columns", message=message)]
    reader.fieldnames = header
    return [(reader.line_num, row) for row in reader], []


def _validate(
    numbered: list[tuple[int, Mapping[str, Any]]], known_codes: set[str]
) -> tuple[list[_Row], list[RegionImportError]]:
    errors: list[RegionImportError] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    levels = {choice.value for choice in RegionLevel}
    kinds = {choice.value for choice in VillageKind}

    def error(line: int, code: str, message: str) -> None:
        errors.append(RegionImportError(line=line, code=code, message=message))

    for line, raw in numbered:
        code = str(raw.get("code") or "").strip()
        name = str(raw.get("name") or "").strip()
        level = str(raw.get("level") or "").strip()
        kind = str(raw.get("kind") or "").strip()
        if not CODE_RE.match(code):
            error(line, "bad_code", _(
                "Line {line}: \"{code}\" is not a Kemendagri region code (for example 16, 16.06, 16.06.01 or "
                "16.06.01.2001)."
            ).format(line=line, code=code))
            continue
        if code in seen:
            error(line, "duplicate_code", _(
                "Line {line}: the code {code} appears twice in the file (first on line {first})."
            ).format(line=line, code=code, first=seen[code]))
            continue
        seen[code] = line
        row_ok = True
        if not name:
            error(line, "missing_name", _("Line {line}: the region {code} has no name.").format(line=line, code=code))
            row_ok = False
        elif len(name) > NAME_MAX_LENGTH:
            error(line, "name_too_long", _(
                "Line {line}: the name of {code} is longer than {limit} characters."
            ).format(line=line, code=code, limit=NAME_MAX_LENGTH))
            row_ok = False
        if level not in levels:
            error(line, "bad_level", _(
                "Line {line}: \"{level}\" is not a region level; use one of {levels}."
            ).format(line=line, level=level, levels=", ".join(sorted(levels))))
            row_ok = False
        elif LEVEL_DEPTH[RegionLevel(level)] != _depth(code):
            error(line, "level_mismatch", _(
                "Line {line}: the code {code} has {parts} part(s), which does not fit the level \"{level}\"."
            ).format(line=line, code=code, parts=_depth(code), level=level))
            row_ok = False
        elif level == RegionLevel.DESA:
            expected = KIND_BY_VILLAGE_DIGIT.get(code.rsplit(".", 1)[1][0])
            if not kind:
                error(line, "missing_kind", _(
                    "Line {line}: the village {code} needs a kind (desa or kelurahan)."
                ).format(line=line, code=code))
                row_ok = False
            elif kind not in kinds:
                error(line, "bad_kind", _(
                    "Line {line}: \"{kind}\" is not a village kind; use desa or kelurahan."
                ).format(line=line, kind=kind))
                row_ok = False
            elif expected is None or kind != expected:
                error(line, "kind_mismatch", _(
                    "Line {line}: the village code {code} does not fit the kind \"{kind}\" (codes of a "
                    "kelurahan start with 1 after the last dot, codes of a desa with 2)."
                ).format(line=line, code=code, kind=kind))
                row_ok = False
        elif kind:
            error(line, "unexpected_kind", _(
                "Line {line}: only villages have a kind; leave it empty for {code}."
            ).format(line=line, code=code))
            row_ok = False
        if row_ok:
            rows.append(_Row(line=line, code=code, name=name, level=level, kind=kind))

    for row in rows:
        parent = row.parent_code
        if parent is not None and parent not in seen and parent not in known_codes:
            error(row.line, "unknown_parent", _(
                "Line {line}: the parent {parent} of {code} is neither in the file nor in the database."
            ).format(line=row.line, parent=parent, code=row.code))
    errors.sort(key=lambda e: e.line)
    return rows, errors


@transaction.atomic
def region_import(
    *,
    rows: Iterable[Mapping[str, Any]] | None = None,
    file: TextIO | None = None,
    source: str,
    actor: Any = None,
) -> RegionImportResult:
    """Import regions from `file` (CSV text with a header) or `rows` (dicts; the first is "line 2").

    Raises `RegionImportFailed` with every problem found (line and message) and imports nothing when any
    row is bad. Returns how many regions were created, updated or left unchanged.
    """
    if (rows is None) == (file is None):
        raise ValueError("pass exactly one of rows or file")
    if file is not None:
        numbered, header_errors = _read_rows(file)
        if header_errors:
            raise RegionImportFailed(header_errors)
    else:
        numbered = [(index + 2, row) for index, row in enumerate(rows or [])]
    if not numbered:
        raise RegionImportFailed([RegionImportError(line=1, code="empty", message=_("The file has no regions."))])

    existing = {r.code: r for r in Region.objects.select_for_update().all()}
    valid, errors = _validate(numbered, set(existing))
    if errors:
        raise RegionImportFailed(errors)

    result = RegionImportResult()
    to_create: list[Region] = []
    to_update: list[Region] = []
    source = source[:200]
    for row in sorted(valid, key=lambda r: (_depth(r.code), r.code)):
        result.codes.append(row.code)
        current = existing.get(row.code)
        wanted = {"name": row.name, "level": row.level, "kind": row.kind, "parent_id": row.parent_code}
        if current is None:
            to_create.append(Region(code=row.code, source=source, **wanted))
            result.created += 1
        elif any(getattr(current, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(current, k, v)
            current.source = source
            to_update.append(current)
            result.updated += 1
        else:
            result.unchanged += 1
    for region in to_create + to_update:
        region.full_clean(exclude=["parent"], validate_unique=False)
    if to_create:
        Region.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Region.objects.bulk_update(to_update, ["name", "level", "kind", "parent", "source"], batch_size=500)
    if to_create or to_update:
        transaction.on_commit(area_codes_forget)
        area_codes_forget()
        audit_record(
            actor=actor,
            actor_label="" if actor is not None else "system",
            action="regions.region_import",
            object_type="regions.region",
            object_repr=source,
            changes={"source": source, "created": result.created, "updated": result.updated,
                     "created_codes": [r.code for r in to_create][:50],
                     "updated_codes": [r.code for r in to_update][:50]},
        )
    return result
