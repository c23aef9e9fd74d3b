"""Import a questionnaire from an XLSForm (ODK/KoboToolbox) as a framework definition, through pyxform.

pyxform validates the form. Then: every choice list whose choice names are all whole numbers becomes a scale;
every `select_one` on such a list becomes an item; `begin_group` becomes a section (questions outside a group go
to section "umum"). Two questions named `<code>_kepentingan` and `<code>_kinerja` on the same list become one
dual-scale row (importance and performance, for IPA). `form_id` and `version` in the settings sheet give the
framework's code and version. Other question types are skipped and listed in `skipped`.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from simpul.assessment.frameworks import FrameworkError

IMPORTANCE, PERFORMANCE = "_kepentingan", "_kinerja"


def _label(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("Indonesian (id)", "id", "default", "English (en)"):
            if key in value:
                return str(value[key])
        return str(next(iter(value.values()), ""))
    return str(value or "")


def xlsform_to_definition(content: bytes, *, filename: str = "form.xlsx") -> tuple[dict[str, Any], list[str]]:
    """The framework definition of an XLSForm file's bytes, and the names of skipped questions."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    suffix = Path(filename).suffix or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        try:
            form = parse_file_to_json(handle.name)
        except PyXFormError as exc:
            raise FrameworkError([f"XLSForm: {exc}"], source=filename) from exc
        except Exception as exc:
            raise FrameworkError([f"XLSForm cannot be read: {exc}"], source=filename) from exc

    scales: dict[str, Any] = {}
    for list_name, choices in (form.get("choices") or {}).items():
        if choices and all(re.fullmatch(r"-?\d+", str(c.get("name", ""))) for c in choices):
            slug = re.sub(r"[^a-z0-9_-]", "-", list_name.lower())
            scales[list_name] = {"code": slug, "kind": "likert", "name": list_name, "points": [
                {"value": int(c["name"]), "code": _label(c.get("label")) or str(c["name"]),
                 "label_id": _label(c.get("label"))} for c in choices]}

    sections: list[dict[str, Any]] = []
    skipped: list[str] = []

    def walk(children: list[dict[str, Any]], section: dict[str, Any]) -> None:
        for child in children:
            kind = child.get("type")
            if kind in ("group", "repeat") and child.get("name") != "meta":
                sub = {"code": child["name"], "name": _label(child.get("label")) or child["name"], "items": []}
                sections.append(sub)
                walk(child.get("children", []), sub)
            elif kind == "select one" and child.get("list_name", child.get("itemset")) in scales:
                scale = scales[child.get("list_name", child.get("itemset"))]["code"]
                section["items"].append({"code": child["name"], "text": _label(child.get("label")), "scale": scale})
            elif child.get("name") != "meta":
                skipped.append(str(child.get("name")))

    top = {"code": "umum", "name": "Umum", "items": []}
    walk(form.get("children", []), top)
    if top["items"]:
        sections.insert(0, top)
    for section in sections:
        merged: list[dict[str, Any]] = []
        by_code = {i["code"]: i for i in section["items"]}
        for item in section["items"]:
            code = item["code"]
            if code.endswith(IMPORTANCE) and code[: -len(IMPORTANCE)] + PERFORMANCE in by_code:
                base = code[: -len(IMPORTANCE)]
                merged.append({"code": base, "text": item["text"], "scale": item["scale"], "kind": "dual"})
            elif code.endswith(PERFORMANCE) and code[: -len(PERFORMANCE)] + IMPORTANCE in by_code:
                continue
            else:
                merged.append({**item, "kind": "likert"})
        section["items"] = merged
    sections = [s for s in sections if s["items"]]
    definition = {
        "code": re.sub(r"[^a-z0-9-]", "-", str(form.get("id_string", "xlsform")).lower()),
        "version": str(form.get("version") or "1"), "name": str(form.get("title") or form.get("id_string")),
        "source": f"XLSForm {filename}", "status": "draft", "verified": True, "section_levels": ["section"],
        "scales": {s["code"]: {k: v for k, v in s.items() if k != "code"} for s in scales.values()},
        "sections": sections,
    }
    return definition, skipped
