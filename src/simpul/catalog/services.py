"""Writes to the catalog: create a service, edit a draft, publish, draft a new version, YAML import/export.

Every write is atomic, validated with `full_clean()` and audited. A published version is never edited: draft
a new one from it, change the draft, publish it (the previous version is retired, cases keep theirs).
"""

from __future__ import annotations

from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.agencies.models import Agency
from simpul.catalog.forms_engine import definition_errors
from simpul.catalog.models import CONTENT_FIELDS, Service, ServiceVersion, VersionStatus
from simpul.core import pagecache
from simpul.core.services import audit_record

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Version fields that YAML and `service_create` accept (agency and routing_agency are given by code in YAML).
VERSION_FIELDS = (
    "name_id", "name_en", "description_id", "description_en", "kind", "audience", "legal_basis", "fee_rupiah",
    "fee_note_id", "fee_note_en", "sla_working_days", "sla_extension_days", "documents", "form", "workflow",
    "complaint_category", "retention_days", "requires_account",
)


def _copy_fields(version: ServiceVersion) -> dict[str, Any]:
    data = {f: getattr(version, f) for f in VERSION_FIELDS}
    data["agency"] = version.agency
    data["routing_agency"] = version.routing_agency
    return data


@transaction.atomic
def service_create(*, code: str, actor: Any, publish: bool = False, is_active: bool = True,
                   **version_fields: Any) -> ServiceVersion:
    """Create a service and its first version (a draft, or published at once with `publish=True`).

    `version_fields` are `ServiceVersion` fields: `name_id`, `agency` (an `Agency`), `kind`, `form`, ...
    """
    unknown = set(version_fields) - set(VERSION_FIELDS) - {"agency", "routing_agency"}
    if unknown:
        raise TypeError(f"unknown version fields: {sorted(unknown)}")
    service = Service(code=code, is_active=is_active)
    service.full_clean()
    service.save()
    version = ServiceVersion(service=service, number=1, status=VersionStatus.DRAFT, **version_fields)
    version.full_clean()
    version.save()
    audit_record(actor=actor, action="catalog.service_create", obj=service, changes={"version": 1})
    if publish:
        version = service_version_publish(version=version, actor=actor)
    return version


@transaction.atomic
def service_version_update(*, version: ServiceVersion, actor: Any, **fields: Any) -> ServiceVersion:
    """Change a draft version. A published or retired version is refused (draft a new version instead)."""
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _("A published or retired version cannot be changed; draft a new version instead."), code="immutable"
        )
    unknown = set(fields) - set(VERSION_FIELDS) - {"agency", "routing_agency"}
    if unknown:
        raise TypeError(f"unknown version fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    audit_record(actor=actor, action="catalog.service_version_update", obj=version,
                 changes={"fields": sorted(fields)})
    return version


@transaction.atomic
def service_version_publish(*, version: ServiceVersion, actor: Any) -> ServiceVersion:
    """Freeze a draft and make it the service's current version; the previous current version is retired."""
    version = ServiceVersion.objects.select_for_update().select_related("service").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft version can be published."), code="not_draft")
    version.full_clean()
    service = Service.objects.select_for_update().get(pk=version.service_id)
    retired = list(
        ServiceVersion.objects.filter(service=service, status=VersionStatus.PUBLISHED).values_list("number", flat=True)
    )
    ServiceVersion.objects.filter(service=service, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED, updated_at=timezone.now()
    )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    service.current_version = version
    service.save(update_fields=["current_version", "updated_at"])
    audit_record(actor=actor, action="catalog.service_version_publish", obj=version,
                 changes={"number": version.number, "retired": retired})
    return version


@transaction.atomic
def service_version_draft_from(*, version: ServiceVersion, actor: Any) -> ServiceVersion:
    """Copy a version into a new draft (next number). A service has at most one draft at a time."""
    service = Service.objects.select_for_update().get(pk=version.service_id)
    if ServiceVersion.objects.filter(service=service, status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            _("Service {code} already has a draft version; change or publish it first.").format(code=service.code),
            code="draft_exists",
        )
    number = (ServiceVersion.objects.filter(service=service).aggregate(m=Max("number"))["m"] or 0) + 1
    draft = ServiceVersion(service=service, number=number, status=VersionStatus.DRAFT, **_copy_fields(version))
    draft.full_clean()
    draft.save()
    audit_record(actor=actor, action="catalog.service_version_draft_from", obj=draft,
                 changes={"from": version.number, "number": number})
    return draft


@transaction.atomic
def service_set_active(*, service: Service, is_active: bool, actor: Any) -> Service:
    """Show or hide a service in the catalog (its versions and cases are kept)."""
    service.is_active = is_active
    service.full_clean()
    service.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action="catalog.service_set_active", obj=service, changes={"is_active": is_active})
    return service


def _keywords_text(words: list[str] | str) -> str:
    items = words.split(",") if isinstance(words, str) else words
    return ", ".join(dict.fromkeys(" ".join(str(w).split()) for w in items if str(w).strip()))


@transaction.atomic
def service_set_keywords(*, service: Service, keywords: list[str] | str, actor: Any) -> Service:
    """Set the words people type for a service (a list, or one text separated by commas) and rebuild the search
    text of its versions. Search words are not part of a version: they change without a new one."""
    before = service.keywords
    service.keywords = _keywords_text(keywords)
    service.full_clean()
    service.save(update_fields=["keywords", "updated_at"])
    service_search_reindex(service=service)
    audit_record(actor=actor, action="catalog.service_set_keywords", obj=service,
                 changes={"keywords": {"old": before, "new": service.keywords}})
    return service


def service_search_reindex(*, service: Service | None = None) -> int:
    """Rebuild the stored search text of every version (of one service, or all) where the code that builds it, or
    the service's search words, changed since it was saved; returns how many were rebuilt. The text is derived
    data (no audit entry); a published version's content is not touched."""
    versions = ServiceVersion.objects.select_related("service", "agency")
    if service is not None:
        versions = versions.filter(service=service)
    rebuilt = 0
    for version in versions:
        text, title = version.build_search_text(), version.build_search_title()
        if (text, title) != (version.search_text, version.search_title):
            ServiceVersion.objects.filter(pk=version.pk).update(search_text=text, search_title=title)
            rebuilt += 1
    if rebuilt:
        pagecache.invalidate()  # an update() sends no save signal: the cached catalogue pages go stale here
    return rebuilt


# -- YAML ---------------------------------------------------------------------------------------------------------


class CatalogImportError(ValidationError):
    """A YAML document that cannot be imported; `messages` name the path of each problem."""


def _version_to_dict(version: ServiceVersion) -> dict[str, Any]:
    data: dict[str, Any] = {"number": version.number, "status": version.status}
    if version.published_at:
        data["published_at"] = version.published_at.isoformat()
    data["agency"] = version.agency.code
    if version.routing_agency_id:
        data["routing_agency"] = version.routing_agency.code  # type: ignore[union-attr]
    for name in VERSION_FIELDS:
        data[name] = getattr(version, name)
    return data


def service_export_yaml(*, service: Service) -> str:
    """The service with all its versions as a YAML document that `service_import_yaml` reads back."""
    versions = service.versions.select_related("agency", "routing_agency").order_by("number")
    doc: dict[str, Any] = {"code": service.code, "is_active": service.is_active}
    if service.keyword_list:
        doc["keywords"] = service.keyword_list
    doc["versions"] = [_version_to_dict(v) for v in versions]
    return yaml.dump(doc, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False, width=110)


def _parse_yaml(text: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader (libyaml's when present)
    except yaml.YAMLError as exc:
        raise CatalogImportError([_("The file is not valid YAML: {error}").format(error=exc)]) from exc
    if not isinstance(doc, dict):
        raise CatalogImportError([_("The file must hold one service (a mapping with code and versions).")])
    return doc


def _check_import(doc: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    code = doc.get("code")
    if not isinstance(code, str) or not code:
        errors.append(_("code: a service needs a code"))
    keywords = doc.get("keywords")
    if keywords is not None and (not isinstance(keywords, list) or
                                 not all(isinstance(k, str) and "," not in k for k in keywords)):
        errors.append(_("keywords: a list of words or phrases (without commas)"))
    versions = doc.get("versions")
    if not isinstance(versions, list) or not versions:
        return [*errors, _("versions: a service needs at least one version")]
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    numbers: set[Any] = set()
    for index, raw in enumerate(versions):
        path = f"versions[{index}]"
        if not isinstance(raw, dict):
            errors.append(_("{path}: must be a mapping").format(path=path))
            continue
        number = raw.get("number", index + 1)
        if number in numbers:
            errors.append(_("{path}.number: duplicate version number {number}").format(path=path, number=number))
        numbers.add(number)
        unknown = set(raw) - set(VERSION_FIELDS) - {"number", "status", "published_at", "agency", "routing_agency"}
        if unknown:
            errors.append(_("{path}: unknown keys {keys}").format(path=path, keys=", ".join(sorted(unknown))))
        for key in ("agency", "routing_agency"):
            if raw.get(key) and raw[key] not in agency_codes:
                errors.append(_("{path}.{key}: unknown agency code '{code}'").format(path=path, key=key,
                                                                                     code=raw[key]))
        if not raw.get("agency"):
            errors.append(_("{path}.agency: the responsible agency code is required").format(path=path))
        if raw.get("status", VersionStatus.DRAFT) not in VersionStatus.values:
            errors.append(_("{path}.status: must be draft, published or retired").format(path=path))
        errors += [f"{path}.{msg}" for msg in definition_errors(form=raw.get("form"), documents=raw.get("documents"))]
    return errors


@transaction.atomic
def service_import_yaml(*, text: str, actor: Any) -> Service:
    """Create or update a service from YAML (as written by `service_export_yaml`). All or nothing.

    Versions already stored and no longer drafts are left as they are when the YAML matches them, and are
    refused when it changes them (a published version is immutable). New versions are added; a draft is
    overwritten. The version marked `published` (the highest one) becomes the current version.
    """
    doc = _parse_yaml(text)
    errors = _check_import(doc)
    if errors:
        raise CatalogImportError(errors)
    agencies = {a.code: a for a in Agency.objects.all()}
    service, created = Service.objects.select_for_update().get_or_create(
        code=doc["code"], defaults={"is_active": bool(doc.get("is_active", True))}
    )
    if not created and "is_active" in doc:
        service.is_active = bool(doc["is_active"])
        service.save(update_fields=["is_active", "updated_at"])
    if "keywords" in doc:
        service.keywords = _keywords_text(doc["keywords"])
        service.save(update_fields=["keywords", "updated_at"])
    errors = []
    to_publish: ServiceVersion | None = None
    for index, raw in enumerate(doc["versions"]):
        path = f"versions[{index}]"
        number = int(raw.get("number", index + 1))
        fields = {k: raw[k] for k in VERSION_FIELDS if k in raw}
        fields["agency"] = agencies[raw["agency"]]
        fields["routing_agency"] = agencies.get(raw.get("routing_agency") or "")
        status = raw.get("status", VersionStatus.DRAFT)
        existing = ServiceVersion.objects.filter(service=service, number=number).first()
        if existing is not None and existing.status != VersionStatus.DRAFT:
            candidate = ServiceVersion(pk=existing.pk, service=service, number=number, **{
                **_copy_fields(existing), **fields})
            changed = [f for f in CONTENT_FIELDS if getattr(candidate, f) != getattr(existing, f)]
            if changed:
                errors.append(_("{path}: version {number} is already published and cannot be changed "
                                "(changed: {fields}); add a new version number instead").format(
                    path=path, number=number, fields=", ".join(changed)))
            continue
        version = existing or ServiceVersion(service=service, number=number)
        for name, value in fields.items():
            setattr(version, name, value)
        version.status = VersionStatus.DRAFT
        try:
            version.full_clean()
        except ValidationError as exc:
            errors += [f"{path}: {msg}" for msg in _flat_messages(exc)]
            continue
        version.save()
        if status == VersionStatus.PUBLISHED:
            to_publish = version
        elif status == VersionStatus.RETIRED:
            version.status = VersionStatus.RETIRED
            version.published_at = _parse_time(raw.get("published_at"))
            version.save(update_fields=["status", "published_at", "updated_at"])
    if errors:
        raise CatalogImportError(errors)  # leaving the atomic block rolls back what was saved above
    if to_publish is not None:
        service_version_publish(version=to_publish, actor=actor)
    service_search_reindex(service=service)  # versions kept as they were still read the file's search words
    audit_record(actor=actor, action="catalog.service_import_yaml", obj=service,
                 changes={"created": created, "versions": [v.get("number") for v in doc["versions"]]})
    service.refresh_from_db()
    return service


def _parse_time(value: Any) -> Any:
    if not value:
        return timezone.now()
    if hasattr(value, "isoformat"):
        return value
    from django.utils.dateparse import parse_datetime

    return parse_datetime(str(value)) or timezone.now()


def _flat_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{field}: {msg}" if field != "__all__" else str(msg)
                for field, msgs in exc.message_dict.items() for msg in msgs]
    return [str(m) for m in exc.messages]
