"""The service designer's changes to a draft's form and documents, and the differences a citizen will see.

Each change is a pure function: it takes a definition (`ServiceVersion.form` or `.documents`), returns a changed
copy and never checks it. What is allowed is decided by the engine (`forms_engine.definition_errors`) alone: the
designer's views run it on the changed copy, show its messages at the question they name (`errors_by_item`), and
save only a definition without errors (through `services.service_version_update`, which runs it again).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from simpul.catalog.forms_engine import FIELD_TYPE_LABELS, NAME_RE, FieldRole, localized
from simpul.catalog.models import ServiceVersion

Form = dict[str, Any]
PATH_RE = re.compile(
    r"^(?:versions\[\d+\]\.)?(?P<item>form\.pages\[(?P<page>\d+)\](?:\.fields\[(?P<field>\d+)\])?|"
    r"documents\[(?P<doc>\d+)\])(?:\.(?P<key>[a-z_]+))?: (?P<message>.*)$", re.S,
)


# -- names --------------------------------------------------------------------------------------------------------


def make_name(text: str, taken: set[str], *, fallback: str = "q") -> str:
    """A short lower-case name from a label ("Nama lengkap" -> "nama_lengkap"), not one of `taken`."""
    base = slugify(text or "").replace("-", "_")[:40].strip("_")
    if not base or not NAME_RE.match(base):
        base = f"{fallback}_{base}" if base else fallback
    name, number = base, 2
    while name in taken:
        name = f"{base}_{number}"
        number += 1
    return name


def field_names(form: Form) -> set[str]:
    return {str(f.get("name")) for p in pages_of(form) for f in p.get("fields") or [] if isinstance(f, dict)}


def pages_of(form: Form | None) -> list[dict[str, Any]]:
    return list((form or {}).get("pages") or [])


def _copy(form: Form | None) -> Form:
    result = copy.deepcopy(form or {})
    result["pages"] = list(result.get("pages") or [])
    return result


# -- pages --------------------------------------------------------------------------------------------------------


def page_add(form: Form | None, *, title_id: str, title_en: str = "", fields: list[Any] | None = None) -> Form:
    """A new last page (a page needs a question: the view adds the first one with it)."""
    result = _copy(form)
    key = make_name(title_id, {p.get("key") for p in result["pages"]}, fallback="page")
    result["pages"].append({"key": key, "title_id": title_id, "title_en": title_en, "fields": list(fields or [])})
    return result


def page_update(form: Form, index: int, *, title_id: str, title_en: str = "") -> Form:
    result = _copy(form)
    result["pages"][index] = {**result["pages"][index], "title_id": title_id, "title_en": title_en}
    return result


def page_move(form: Form, index: int, step: int) -> Form:
    result = _copy(form)
    pages, target = result["pages"], index + step
    if 0 <= target < len(pages):
        pages[index], pages[target] = pages[target], pages[index]
    return result


def page_remove(form: Form, index: int) -> Form:
    result = _copy(form)
    del result["pages"][index]
    return result


# -- questions ----------------------------------------------------------------------------------------------------


def question_set(form: Form, page: int, index: int | None, question: dict[str, Any]) -> Form:
    """Replace question `index` of page `page` (or add it at the end when `index` is None)."""
    result = _copy(form)
    fields = list(result["pages"][page].get("fields") or [])
    if index is None:
        fields.append(question)
    else:
        fields[index] = question
    result["pages"][page] = {**result["pages"][page], "fields": fields}
    return result


def question_move(form: Form, page: int, index: int, step: int) -> Form:
    """Move a question one place up (step -1) or down (+1); past the top or bottom of its page it goes to the end
    of the page before or the start of the page after."""
    result = _copy(form)
    pages = result["pages"]
    fields = list(pages[page]["fields"])
    target = index + step
    if 0 <= target < len(fields):
        fields[index], fields[target] = fields[target], fields[index]
        pages[page] = {**pages[page], "fields": fields}
    elif 0 <= page + step < len(pages):
        question = fields.pop(index)
        other = list(pages[page + step]["fields"])
        other.insert(len(other) if step < 0 else 0, question)
        pages[page] = {**pages[page], "fields": fields}
        pages[page + step] = {**pages[page + step], "fields": other}
    return result


def question_remove(form: Form, page: int, index: int) -> Form:
    result = _copy(form)
    fields = list(result["pages"][page]["fields"])
    del fields[index]
    result["pages"][page] = {**result["pages"][page], "fields": fields}
    return result


def form_reorder(form: Form, order: list[list[str]]) -> Form | None:
    """The questions laid out as `order` (one list of question names per page, pages in their order); None when
    `order` does not name every question exactly once on the form's pages (a stale or forged request)."""
    pages = pages_of(form)
    by_name = {f.get("name"): f for p in pages for f in p.get("fields") or []}
    named = [name for names in order for name in names]
    if len(order) != len(pages) or sorted(named) != sorted(by_name) or len(set(named)) != len(named):
        return None
    result = _copy(form)
    result["pages"] = [{**page, "fields": [by_name[n] for n in names]} for page, names in zip(pages, order, strict=True)]
    return result


def choices_from_text(text: str, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Answers typed one a line ("Hilang" or "Hilang | Lost"); a line keeps the value it had when its Indonesian
    label is unchanged, so answers already given keep their meaning."""
    known = {c.get("label_id"): c.get("value") for c in existing or [] if isinstance(c, dict)}
    choices: list[dict[str, Any]] = []
    taken: set[str] = set()
    for line in (text or "").splitlines():
        label_id, _sep, label_en = (part.strip() for part in line.partition("|"))
        if not label_id:
            continue
        value = known.get(label_id) or make_name(label_id, taken, fallback="a")
        if value in taken:
            value = make_name(label_id, taken, fallback="a")
        taken.add(value)
        choices.append({"value": value, "label_id": label_id, "label_en": label_en})
    return choices


def choices_to_text(choices: list[dict[str, Any]] | None) -> str:
    return "\n".join(
        c.get("label_id", "") + (f" | {c['label_en']}" if c.get("label_en") else "")
        for c in choices or [] if isinstance(c, dict)
    )


def condition_options(form: Form, before: tuple[int, int] | None) -> list[tuple[str, str]]:
    """What a question (or a document, with `before` None: after every question) may be shown after: each answer of
    each earlier choice or yes/no question, as ("name=value", '"Label" is "Answer"')."""
    options: list[tuple[str, str]] = []
    for p_index, page in enumerate(pages_of(form)):
        for f_index, field in enumerate(page.get("fields") or []):
            if before is not None and (p_index, f_index) >= before:
                return options
            answers: list[tuple[Any, str]] = []
            if field.get("type") == "choice":
                answers = [(c.get("value"), localized(c)) for c in field.get("choices") or []]
            elif field.get("type") == "yesno":
                answers = [("yes", _("Yes")), ("no", _("No"))]
            for value, label in answers:
                options.append((f"{field['name']}={value}", _("“{question}” is “{answer}”").format(
                    question=localized(field), answer=label)))
    return options


def condition_from_choice(value: str) -> dict[str, Any] | None:
    name, sep, answer = (value or "").partition("=")
    return {"field": name, "equals": answer} if sep and name else None


def condition_to_choice(condition: Any) -> str:
    if isinstance(condition, dict) and "equals" in condition:
        return f"{condition.get('field')}={condition['equals']}"
    return ""


# -- documents ----------------------------------------------------------------------------------------------------


def document_set(documents: list[Any] | None, index: int | None, document: dict[str, Any]) -> list[Any]:
    result = copy.deepcopy(list(documents or []))
    if index is None:
        result.append(document)
    else:
        result[index] = document
    return result


def document_move(documents: list[Any], index: int, step: int) -> list[Any]:
    result = copy.deepcopy(list(documents))
    if 0 <= index + step < len(result):
        result[index], result[index + step] = result[index + step], result[index]
    return result


def document_remove(documents: list[Any], index: int) -> list[Any]:
    result = copy.deepcopy(list(documents))
    del result[index]
    return result


# -- the engine's messages, where the designer shows them ----------------------------------------------------------


def item_path(*, page: int | None = None, field: int | None = None, document: int | None = None) -> str:
    if document is not None:
        return f"documents[{document}]"
    return f"form.pages[{page}]" + (f".fields[{field}]" if field is not None else "")


ITEM_RE = re.compile(r"form\.pages\[\d+\](?:\.fields\[\d+\])?|documents\[\d+\]")


def errors_by_item(messages: list[str], form: Form | None = None) -> dict[str, dict[str, list[str]]]:
    """The engine's messages grouped by the item they name ("form.pages[1].fields[0]") and by its key ("name",
    "show_if"...; "" for the item itself), each without its path; another item named inside a message ("first at
    form.pages[0].fields[0]") is said in words ("Page 1, question 1 (“Nama”)")."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for message in messages:
        match = PATH_RE.match(message)
        item, key, text = (match["item"], match["key"] or "", match["message"]) if match else ("", "", message)
        text = ITEM_RE.sub(lambda m: describe_item(m.group(0), form) or m.group(0), text)
        grouped.setdefault(item, {}).setdefault(key, []).append(text)
    return grouped


def describe_item(item: str, form: Form | None = None) -> str:
    """Where an engine message points, in words: "Page 2, question 3 (“Alamat”)"."""
    match = re.match(r"^form\.pages\[(\d+)\](?:\.fields\[(\d+)\])?$|^documents\[(\d+)\]$", item)
    if not match:
        return ""
    if match[3] is not None:
        return _("Document {number}").format(number=int(match[3]) + 1)
    page = int(match[1])
    if match[2] is None:
        return _("Page {page}").format(page=page + 1)
    field = int(match[2])
    text = _("Page {page}, question {number}").format(page=page + 1, number=field + 1)
    try:
        label = localized(pages_of(form)[page]["fields"][field])
    except (IndexError, KeyError, TypeError):
        label = ""
    return f"{text} (“{label}”)" if label else text


def readable_errors(messages: list[str], form: Form | None = None) -> list[str]:
    """Every engine message as one sentence that says where: "Page 1, question 2 (“Umur”): ..."."""
    result = []
    for item, keys in errors_by_item(messages, form).items():
        where = describe_item(item, form)
        for texts in keys.values():
            result += [f"{where}: {text}" if where else text for text in texts]
    return result


# -- what a citizen will see differently -----------------------------------------------------------------------------


DETAIL_FIELDS = (
    "name_id", "name_en", "description_id", "description_en", "kind", "audience", "agency_id", "routing_agency_id",
    "legal_basis", "fee_rupiah", "fee_note_id", "fee_note_en", "sla_working_days", "sla_extension_days",
    "retention_days", "requires_account", "complaint_category",
)


def _q(field: dict[str, Any]) -> str:
    return localized(field, "label", "id") or str(field.get("name", ""))


def _question_changes(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    label = _q(new)
    changes: list[str] = []
    if old.get("label_id") != new.get("label_id"):
        changes.append(_("Question “{old}” is now called “{new}” ({where})").format(
            old=_q(old), new=label, where=where))
    if old.get("label_en") != new.get("label_en"):
        changes.append(_("The English label of question “{question}” changed").format(question=label))
    if (old.get("hint_id"), old.get("hint_en")) != (new.get("hint_id"), new.get("hint_en")):
        changes.append(_("The hint of question “{question}” changed").format(question=label))
    if old.get("type") != new.get("type"):
        changes.append(_("Question “{question}” now asks for: {type}").format(
            question=label, type=FIELD_TYPE_LABELS.get(new.get("type", ""), new.get("type"))))
    if bool(old.get("required")) != bool(new.get("required")):
        changes.append((_("Question “{question}” must now be answered") if new.get("required") else
                        _("Question “{question}” may now be left empty")).format(question=label))
    if old.get("choices") != new.get("choices"):
        changes.append(_("The answers to choose from for question “{question}” changed").format(question=label))
    if old.get("show_if") != new.get("show_if"):
        changes.append(_("When question “{question}” is shown changed").format(question=label))
    limits = ("min_length", "max_length", "min", "max", "pattern")
    if any(old.get(k) != new.get(k) for k in limits):
        changes.append(_("The limits of the answer to question “{question}” changed").format(question=label))
    if old.get("role") != new.get("role"):
        changes.append(_("What question “{question}” tells about the applicant changed").format(question=label))
    return changes


def version_diff(old: Any, new: Any) -> list[str]:
    """What a citizen will see differently in `new` compared with `old` (a version; None: everything is new), one
    sentence each: "Question “Umur” added on page 2", "Page “Data diri” removed", "The fee changed"."""
    changes: list[str] = []
    if old is None:
        pages = pages_of(new.form)
        return [_("A new service: everything is new."), _(
            "{pages} pages with {questions} questions, and {documents} documents to upload").format(
            pages=len(pages), questions=sum(len(p.get("fields") or []) for p in pages),
            documents=len(new.documents or []))]
    for name in DETAIL_FIELDS:
        if getattr(old, name) != getattr(new, name):
            label = getattr(ServiceVersion._meta.get_field(name), "verbose_name", name)
            changes.append(_("{field} changed").format(field=str(label).capitalize()))
    old_pages, new_pages = pages_of(old.form), pages_of(new.form)
    old_keys = [p.get("key") for p in old_pages]
    new_keys = [p.get("key") for p in new_pages]
    for number, page in enumerate(new_pages, start=1):
        title = localized(page, "title", "id")
        if page.get("key") not in old_keys:
            changes.append(_("Page {number} “{title}” added").format(number=number, title=title))
            continue
        before = old_pages[old_keys.index(page.get("key"))]
        if before.get("title_id") != page.get("title_id") or before.get("title_en") != page.get("title_en"):
            changes.append(_("Page {number} is now called “{title}”").format(number=number, title=title))
    for page in old_pages:
        if page.get("key") not in new_keys:
            changes.append(_("Page “{title}” removed").format(title=localized(page, "title", "id")))
    if [k for k in new_keys if k in old_keys] != [k for k in old_keys if k in new_keys]:
        changes.append(_("The pages are in a different order"))
    old_fields = {f["name"]: (p_i, f_i, f) for p_i, p in enumerate(old_pages)
                  for f_i, f in enumerate(p.get("fields") or []) if isinstance(f, dict) and "name" in f}
    new_fields = {f["name"]: (p_i, f_i, f) for p_i, p in enumerate(new_pages)
                  for f_i, f in enumerate(p.get("fields") or []) if isinstance(f, dict) and "name" in f}
    for name, (p_i, _f_i, field) in new_fields.items():
        where = _("page {number}").format(number=p_i + 1)
        if name not in old_fields:
            changes.append(_("Question “{question}” added on {where}").format(question=_q(field), where=where))
            continue
        old_page, _old_index, before = old_fields[name]
        if old_page < len(old_pages) and p_i < len(new_pages) and \
                old_pages[old_page].get("key") != new_pages[p_i].get("key"):
            changes.append(_("Question “{question}” moved to {where}").format(question=_q(field), where=where))
        changes += _question_changes(before, field, where)
    for name, (_p_i, _f_i, field) in old_fields.items():
        if name not in new_fields:
            changes.append(_("Question “{question}” removed").format(question=_q(field)))
    same_page_order = [
        [f.get("name") for f in p.get("fields") or [] if f.get("name") in old_fields] for p in new_pages
    ]
    old_order = {p.get("key"): [f.get("name") for f in p.get("fields") or [] if f.get("name") in new_fields]
                 for p in old_pages}
    for page, names in zip(new_pages, same_page_order, strict=True):
        if page.get("key") in old_order and old_order[page.get("key")] != names and \
                sorted(old_order[page.get("key")]) == sorted(names):
            changes.append(_("The questions on page “{title}” are in a different order").format(
                title=localized(page, "title", "id")))
    old_docs = {d.get("code"): d for d in old.documents or [] if isinstance(d, dict)}
    new_docs = {d.get("code"): d for d in new.documents or [] if isinstance(d, dict)}
    for code, doc in new_docs.items():
        label = localized(doc, "label", "id")
        if code not in old_docs:
            changes.append(_("Document “{document}” added").format(document=label))
        elif old_docs[code] != doc:
            changes.append(_("What is asked of document “{document}” changed").format(document=label))
    for code, doc in old_docs.items():
        if code not in new_docs:
            changes.append(_("Document “{document}” removed").format(document=localized(doc, "label", "id")))
    return changes


# -- from the designer's forms to the engine's definitions, and back -----------------------------------------------


def _number(text: str) -> Any:
    """A typed bound as the engine reads it: a number for numbers, the text itself otherwise (dates, "today")."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def question_spec(data: dict[str, Any], *, existing: dict[str, Any] | None, taken: set[str]) -> dict[str, Any]:
    """The engine's field definition from the question form's cleaned data. Keys the designer does not edit (a
    pattern, `required_unless`, an `in` condition from an imported file) are kept from `existing`."""
    spec = {k: v for k, v in (existing or {}).items()
            if k not in {"label_id", "label_en", "hint_id", "hint_en", "type", "required", "choices", "min_length",
                         "max_length", "min", "max", "role", "name"}}
    kind = data.get("type") or "text"
    name = (data.get("name") or "").strip() or (existing or {}).get("name") or make_name(
        data.get("label_id") or "", taken)
    spec.update({"name": name, "type": kind, "label_id": data.get("label_id") or "",
                 "required": bool(data.get("required"))})
    for key in ("label_en", "hint_id", "hint_en"):
        if data.get(key):
            spec[key] = data[key]
    if kind == "choice":
        spec["choices"] = choices_from_text(data.get("choices") or "", (existing or {}).get("choices"))
    for key in ("min_length", "max_length"):
        if data.get(key) is not None:
            spec[key] = data[key]
    for key in ("min", "max"):
        value = _number(data.get(key) or "")
        if value is not None:
            spec[key] = value if kind != "date" else str(data[key]).strip()
    if data.get("role"):
        spec["role"] = data["role"]
    chosen = data.get("show_if") or ""
    if chosen:
        spec["show_if"] = condition_from_choice(chosen) or chosen
    elif not (existing or {}).get("show_if") or condition_to_choice((existing or {}).get("show_if")):
        spec.pop("show_if", None)
    return spec


def question_initial(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: spec.get(k, "") for k in ("label_id", "label_en", "hint_id", "hint_en", "name", "role")},
        "type": spec.get("type", "text"), "required": bool(spec.get("required")),
        "choices": choices_to_text(spec.get("choices")), "min_length": spec.get("min_length"),
        "max_length": spec.get("max_length"), "min": spec.get("min", ""), "max": spec.get("max", ""),
        "show_if": condition_to_choice(spec.get("show_if")),
    }


MEGABYTE = 1024 * 1024


def _with_jpeg(types: list[str]) -> list[str]:
    return [*types, "jpeg"] if "jpg" in types and "jpeg" not in types else types


def document_spec(data: dict[str, Any], *, existing: dict[str, Any] | None, taken: set[str]) -> dict[str, Any]:
    code = (data.get("code") or "").strip() or (existing or {}).get("code") or make_name(
        data.get("label_id") or "", taken, fallback="dokumen")
    spec: dict[str, Any] = {"code": code, "label_id": data.get("label_id") or "",
                            "required": bool(data.get("required")),
                            "types": _with_jpeg(list(data.get("types") or ["pdf", "jpg", "png"])),
                            "max_bytes": int(data.get("max_megabytes") or 2) * MEGABYTE}
    for key in ("label_en", "hint_id", "hint_en"):
        if data.get(key):
            spec[key] = data[key]
    chosen = data.get("show_if") or ""
    if chosen:
        spec["show_if"] = condition_from_choice(chosen) or chosen
    return spec


def document_initial(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: spec.get(k, "") for k in ("label_id", "label_en", "hint_id", "hint_en", "code")},
        "required": bool(spec.get("required")),
        "types": [t for t in spec.get("types") or ["pdf", "jpg", "png"] if t != "jpeg"] or ["jpg"],
        "max_megabytes": max(1, int(spec.get("max_bytes") or 2 * MEGABYTE) // MEGABYTE),
        "show_if": condition_to_choice(spec.get("show_if")),
    }


def outline(form: Form | None, documents: list[Any] | None) -> dict[str, Any]:
    """What the designer's overview lists: each page with its questions (type, required, when shown, role) and
    each document, in words."""
    roles = dict(FieldRole.choices)
    labels: dict[str, str] = {}
    answers: dict[tuple[str, str], str] = {}
    for field in (f for p in pages_of(form) for f in p.get("fields") or [] if isinstance(f, dict)):
        labels[str(field.get("name"))] = localized(field)
        for choice in field.get("choices") or []:
            answers[(str(field.get("name")), str(choice.get("value")))] = localized(choice)
        answers[(str(field.get("name")), "yes")] = answers.get((str(field.get("name")), "yes"), _("Yes"))
        answers[(str(field.get("name")), "no")] = answers.get((str(field.get("name")), "no"), _("No"))

    def when(condition: Any) -> str:
        if not isinstance(condition, dict):
            return ""
        name = str(condition.get("field"))
        values = condition.get("in") if "in" in condition else [condition.get("equals")]
        said = " / ".join(answers.get((name, str(v)), str(v)) for v in values or [])
        return _("only when “{question}” is “{answer}”").format(question=labels.get(name, name), answer=said)

    pages = []
    for p_index, page in enumerate(pages_of(form)):
        questions = [{
            "index": f_index, "name": field.get("name"), "label": localized(field),
            "type": FIELD_TYPE_LABELS.get(field.get("type", ""), field.get("type")),
            "required": bool(field.get("required")), "when": when(field.get("show_if")),
            "role": roles.get(field.get("role", ""), ""),
        } for f_index, field in enumerate(page.get("fields") or []) if isinstance(field, dict)]
        pages.append({"index": p_index, "number": p_index + 1, "key": page.get("key"),
                      "title": localized(page, "title"), "questions": questions})
    docs = [{"index": i, "label": localized(doc), "required": bool(doc.get("required")),
             "types": ", ".join(str(t).upper() for t in doc.get("types") or ["pdf", "jpg", "png"]),
             "when": when(doc.get("show_if"))}
            for i, doc in enumerate(documents or []) if isinstance(doc, dict)]
    return {"pages": pages, "documents": docs}
