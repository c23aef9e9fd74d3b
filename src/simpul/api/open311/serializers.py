"""Map Simpul's complaint services and cases to GeoReport v2 shapes, and Open311 POST parameters to answers.

Service definition: every field of the service's declared form becomes an attribute, except the fields that
Open311's own parameters fill (see `standard_fields`): the complaint text (`description`), the reporter's name
(`first_name` + `last_name`), `phone` and `email` (the fields declared with the applicant's name, phone and
email roles), the link (`media_url`, the first `url` field) and the location detail (`address_string`).
An attribute is `required` when the form requires it whatever else is sent; what the form requires only in
some cases (a field shown only for some answers, `required_unless`) is not, and the intake pipeline says so
with a 400 when it is missing.
The village (a `region` field) is an attribute with the Kemendagri desa codes as values; it can also be sent
as `attribute[desa]` or `address_id`, or found from `address_string` when that names exactly one village of the
regency; with `lat` and `long` it may be left out (the office sets it), so it is never a required attribute.
A short-title field (`title`) is optional for Open311 clients: when absent it is taken from the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.cases.constants import CLOSED_STATUSES
from simpul.catalog.forms_engine import FieldRole, all_fields, fields_with_role, localized
from simpul.catalog.models import ServiceVersion, normalize_search
from simpul.regions.models import Region, RegionLevel

DATATYPES = {
    "text": "string", "textarea": "text", "number": "number", "date": "datetime", "choice": "singlevaluelist",
    "yesno": "singlevaluelist", "region": "singlevaluelist", "nik": "string", "kk": "string", "phone": "string",
    "email": "string", "url": "string",
}
TITLE_FIELD = "title"
# Until the forms had a link field, Open311 kept `media_url` as a last line of the description: still read back.
MEDIA_PREFIX = "media_url: "
LINK_SCHEMES = ("http://", "https://")
DESA_ATTRIBUTE = "desa"


@dataclass
class StandardFields:
    """Which form field each Open311 standard parameter fills (None when the form has no such field)."""

    description: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    location: str | None = None
    region: str | None = None
    title: str | None = None
    media: str | None = None
    params: dict[str, str] = field(default_factory=dict)  # form field -> Open311 parameter (for errors)


# The Open311 parameters filled from the fields declared with a role.
ROLE_PARAMS = (("name", FieldRole.APPLICANT_NAME, "first_name"), ("phone", FieldRole.APPLICANT_PHONE, "phone"),
               ("email", FieldRole.APPLICANT_EMAIL, "email"))


def standard_fields(version: ServiceVersion) -> StandardFields:
    found = StandardFields()
    for attribute, role, param in ROLE_PARAMS:
        declared = fields_with_role(version, role)
        if declared:
            setattr(found, attribute, declared[0]["name"])
            found.params[declared[0]["name"]] = param
    for spec in all_fields(version):
        name, kind = spec["name"], spec.get("type", "text")
        if name in found.params:
            continue
        if kind == "textarea" and found.description is None:
            found.description, found.params[name] = name, "description"
        elif kind == "region" and found.region is None:
            found.region, found.params[name] = name, f"attribute[{name}]"
        elif kind == "url" and found.media is None:
            found.media, found.params[name] = name, "media_url"
        elif kind == "text" and name == TITLE_FIELD and found.title is None:
            found.title, found.params[name] = name, f"attribute[{name}]"
        elif kind == "text" and "location" in name and found.location is None:
            found.location, found.params[name] = name, "address_string"
    return found


def _hidden(std: StandardFields) -> set[str]:
    return {n for n in (std.description, std.name, std.phone, std.email, std.location, std.media) if n}


def _desa_values() -> list[dict[str, str]]:
    rows = Region.objects.filter(
        level=RegionLevel.DESA, code__startswith=settings.SIMPUL_KABUPATEN_CODE + "."
    ).select_related("parent").order_by("code")
    return [{"key": r.code, "name": f"{r.name}, {r.parent.name}" if r.parent else r.name} for r in rows]


def service_item(version: ServiceVersion, *, has_attributes: bool) -> dict[str, Any]:
    agency = version.routing_agency or version.agency
    keywords = [k for k in (version.complaint_category, agency.short_name or agency.code, version.service.code) if k]
    return {
        "service_code": version.service.code,
        "service_name": version.name,
        "description": version.description,
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(keywords)),
        "group": version.complaint_category or (agency.short_name or agency.name),
    }


def service_attributes(version: ServiceVersion, *, desa_values: list[dict[str, str]] | None = None) -> list[dict]:
    std = standard_fields(version)
    hidden = _hidden(std)
    attributes: list[dict[str, Any]] = []
    order = 0
    for spec in all_fields(version):
        name, kind = spec["name"], spec.get("type", "text")
        if name in hidden or kind == "file":
            continue
        order += 1
        values: list[dict[str, str]] = []
        description_extra = ""
        if kind == "choice":
            values = [{"key": c["value"], "name": localized(c, "label") or c["value"]} for c in spec.get("choices") or []]
        elif kind == "yesno":
            values = [{"key": "yes", "name": _("Yes")}, {"key": "no", "name": _("No")}]
        elif kind == "region":
            values = desa_values if desa_values is not None else _desa_values()
            description_extra = _("Kemendagri village code (also accepted as attribute[desa] or address_id).")
            if spec.get("required"):
                description_extra = " ".join((description_extra, _(
                    "Needed unless lat and long are given, or address_string names the village.")))
        elif kind == "date":
            description_extra = _("ISO 8601 date, e.g. 2026-01-31.")
        elif kind == "nik":
            description_extra = _("16-digit NIK.")
        required = (bool(spec.get("required")) and not spec.get("show_if") and not spec.get("required_unless")
                    and name != std.title and kind != "region")
        attributes.append({
            "variable": True,
            "code": name,
            "datatype": DATATYPES.get(kind, "string"),
            "required": required,
            "datatype_description": description_extra or localized(spec, "hint") or None,
            "order": order,
            "description": localized(spec, "label") or name,
            "values": values,
        })
    return attributes


def service_definition(version: ServiceVersion) -> dict[str, Any]:
    return {"service_code": version.service.code, "attributes": service_attributes(version)}


# -- POST parameters -> answers ---------------------------------------------------------------------------------


def _clip_title(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _desa_from_address(address: str) -> str:
    words = f" {normalize_search(address)} "
    if not words.strip():
        return ""
    matches = [
        r.code for r in Region.objects.filter(
            level=RegionLevel.DESA, code__startswith=settings.SIMPUL_KABUPATEN_CODE + ".")
        if f" {normalize_search(r.name)} " in words
    ]
    return matches[0] if len(matches) == 1 else ""


def answers_from_params(version: ServiceVersion, params: Any) -> tuple[dict[str, Any], StandardFields]:
    """The answers for `case_submit` from Open311 POST parameters (a QueryDict or dict of strings)."""
    std = standard_fields(version)
    answers: dict[str, Any] = {}
    for key in params:
        match = re.fullmatch(r"attribute\[([A-Za-z0-9_]+)\]", key)
        if match:
            values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
            answers[match.group(1)] = values[0] if len(values) == 1 else values
    if std.region and DESA_ATTRIBUTE in answers and std.region != DESA_ATTRIBUTE:
        answers.setdefault(std.region, answers.pop(DESA_ATTRIBUTE))
    description = (params.get("description") or "").strip()
    if std.description:
        answers[std.description] = description
    if std.media:
        answers[std.media] = (params.get("media_url") or "").strip()
    if std.title and not answers.get(std.title) and description:
        answers[std.title] = _clip_title(description)
    if std.name:
        answers[std.name] = " ".join(
            p for p in ((params.get("first_name") or "").strip(), (params.get("last_name") or "").strip()) if p)
    if std.phone:
        answers[std.phone] = (params.get("phone") or "").strip()
    if std.email:
        answers[std.email] = (params.get("email") or "").strip()
    address = (params.get("address_string") or "").strip()
    if std.location:
        answers[std.location] = address[:200]
    if std.region and not answers.get(std.region) and address:
        answers[std.region] = _desa_from_address(address)
    return answers, std


def error_param(name: str, std: StandardFields) -> str:
    """The Open311 parameter a form field's error belongs to."""
    if name == "__all__":
        return "request"
    return std.params.get(name) or f"attribute[{name}]"


# -- cases -> requests ------------------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def status_of(case: Any) -> str:
    return "closed" if case.status in CLOSED_STATUSES else "open"


def _link(value: Any) -> str | None:
    """A stored link as Open311 shows it: only an http(s) address (one stored before links were checked may be
    anything)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(LINK_SCHEMES) else None


def _media_url(case_answers: dict[str, Any], std: StandardFields, description_text: str) -> str | None:
    if std.media and case_answers.get(std.media):
        return _link(case_answers[std.media])
    for line in reversed(description_text.splitlines()):  # a request posted before the form had a link field
        if line.startswith(MEDIA_PREFIX):
            return _link(line[len(MEDIA_PREFIX):])
    return None


def _degrees(value: Any) -> float | None:
    return float(value) if value is not None else None


def request_item(case: Any, *, status_note: str | None, full: bool) -> dict[str, Any]:
    """One GeoReport request. Without `full` (a public call) it carries no text written by the reporter."""
    version = case.service_version
    std = standard_fields(version)
    answers = case.form_data or {}
    description_text = str(answers.get(std.description, "")) if std.description else ""
    body = description_text.split("\n\n" + MEDIA_PREFIX)[0] if description_text else ""
    desa = case.desa
    address = None
    if desa is not None:
        address = f"{desa.name}, {desa.parent.name}" if desa.parent_id and desa.parent else desa.name
    expected = timezone.make_aware(datetime.combine(case.due_date, datetime.max.time().replace(microsecond=0)))
    return {
        "service_request_id": case.reference,
        "status": status_of(case),
        "status_notes": status_note or None,
        "service_name": version.name,
        "service_code": case.service_code,
        "description": (body or None) if full else None,
        "agency_responsible": case.agency.name,
        "service_notice": None,
        "requested_datetime": iso(case.submitted_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(expected),
        "address": address,
        "address_id": desa.code if desa is not None else None,
        "zipcode": None,
        "lat": _degrees(case.latitude),
        "long": _degrees(case.longitude),
        "media_url": _media_url(answers, std, description_text) if full else None,
    }
