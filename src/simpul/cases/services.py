"""Submission and drafts of the cases app. Every change is atomic, audited, and its side effects are outbox rows.

- `case_submit`: validate, store documents, reference + PIN, due date, first event, audit, notification.
- drafts: save and resume an application, submit it, purge abandoned ones.

The workflow actions are in `simpul.cases.actions`; revealing and forgetting personal data (retention) in
`simpul.cases.privacy`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.cases import documents as docs
from simpul.cases import history
from simpul.cases.answers import answers_protect, answers_reveal, field_types
from simpul.cases.constants import (
    ANONYMOUS_FIELD,
    COMPLAINT_UNIT_CHOICE_FLAG,
    CONFIDENTIAL_FIELD,
    NAME_FIELDS,
    CaseAction,
    CaseKind,
    Channel,
    IdentityProtection,
    WorkflowCode,
)
from simpul.cases.models import Case, CaseDocument, Draft
from simpul.cases.permissions import identity_answer_names
from simpul.cases.reference_numbers import pin_hash, pin_new, reference_new
from simpul.cases.workflow import INITIAL_STATUS
from simpul.core.calendar import add_working_days
from simpul.core.services import audit_record

logger = logging.getLogger(__name__)

DRAFT_SCOPE = "web"  # the idempotency scope of cases sent from an application draft
REFERENCE_ATTEMPTS = 12


@dataclass
class SubmitResult:
    case: Case
    pin: str
    replayed: bool = False


# -- submission ------------------------------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _protect_answers(version: Any, cleaned: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Answers to store: NIK and KK numbers encrypted. Returns (answers, first NIK in clear)."""
    types = field_types(version)
    first_nik = next((str(value) for name, value in cleaned.items() if types.get(name) == "nik" and value), "")
    return answers_protect(version=version, answers=cleaned), first_nik


def _applicant_fields(version: Any, cleaned: dict[str, Any], applicant: Any) -> dict[str, Any]:
    types = field_types(version)
    found: dict[str, Any] = {"phone": "", "email": "", "desa": ""}
    for name, value in cleaned.items():
        kind = types.get(name)
        if kind in ("phone", "email") and value and not found[kind]:
            found[kind] = str(value)
        if kind == "region" and value and not found["desa"]:
            found["desa"] = str(value)
    name = next((str(cleaned[n]) for n in NAME_FIELDS if cleaned.get(n)), "")
    if not name and applicant is not None:
        name = getattr(applicant, "full_name", "") or ""
    if not found["email"] and applicant is not None:
        found["email"] = getattr(applicant, "email", "") or ""
    if not found["phone"] and applicant is not None:
        found["phone"] = getattr(applicant, "phone", "") or ""
    found["name"] = name
    return found


def _store_documents(
    *, case: Case, checked: list[docs.CheckedFile], round_number: int, actor: Any, is_result: bool = False
) -> list[CaseDocument]:
    rows = []
    for item in checked:
        name = docs.document_store(item)
        row = CaseDocument(
            case=case, spec_code=item.spec_code or "result", original_name=item.original_name, stored_name=name,
            content_type=item.content_type, size=item.size, sha256=item.sha256, round=round_number,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None, is_result=is_result,
        )
        # Case and uploader are rows in hand (no existence queries); `stored_name` is a fresh random name that
        # the unique index still guards.
        row.full_clean(exclude=["case", "uploaded_by"], validate_unique=False)
        row.save()
        rows.append(row)
    return rows


def documents_check(
    *, version: Any, answers: dict[str, Any], files: dict[str, Any], existing: set[str] | None = None
) -> tuple[list[docs.CheckedFile], dict[str, list[str]]]:
    """Check uploads against the version's document specs. `existing`: spec codes already on file (revision)."""
    from simpul.catalog.forms_engine import document_specs
    from simpul.catalog.models import localized

    checked: list[docs.CheckedFile] = []
    errors: dict[str, list[str]] = {}
    specs = document_specs(version, answers)
    known = {spec["code"] for spec in document_specs(version)}
    for code in files:
        if code not in known:
            errors.setdefault(code, []).append(_("This document is not part of the service."))
    for spec in specs:
        upload = files.get(spec["code"])
        if upload is None or upload == "":
            if spec["required"] and spec["code"] not in (existing or set()):
                errors.setdefault(spec["code"], []).append(
                    _("Please upload: {document}.").format(document=localized(spec))
                )
            continue
        if isinstance(upload, docs.CheckedFile):
            upload.spec_code = spec["code"]
            checked.append(upload)
            continue
        try:
            item = docs.document_check(upload=upload, spec=spec)
        except ValidationError as exc:
            errors.setdefault(spec["code"], []).extend(exc.messages)
            continue
        checked.append(item)
    return checked, errors


# -- submission ---------------------------------------------------------------------------------------------------


def _business_nib(applicant: Any) -> str:
    profile = getattr(applicant, "business_profile", None) if applicant is not None else None
    return str(getattr(profile, "nib", "") or "")


def _check_audience(version: Any, applicant: Any) -> None:
    from simpul.accounts.models import Role

    is_business = applicant is not None and getattr(applicant, "role", None) == Role.BUSINESS
    if version.audience == "business" and not (is_business and _business_nib(applicant)):
        raise ValidationError(
            {"__all__": [_("This service is for businesses: log in with a business account that has a NIB.")]},
            code="business_account_required",
        )
    if getattr(version, "requires_account", False) and applicant is None:
        raise ValidationError({"__all__": [_("Log in to apply for this service.")]}, code="account_required")


def _yes(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("yes", "ya", "true", "1")


def submission_protection(*, version: Any, answers: dict[str, Any]) -> tuple[str, Any]:
    """How a new case protects its reporter, and the agency it goes to first when not the service's own.

    The one place that decides it, for every door (portal, JSON API, Open311): the declared answers
    `anonymous` (no identity kept) and `confidential` (identity hidden from the office complained about);
    and, for a complaint, a chosen answer marked `to_complaint_unit` (bribery, illegal levies,
    maladministration by an office's own staff), which sends it to the complaint-handling unit first.
    """
    from simpul.agencies.selectors import complaint_unit
    from simpul.catalog.forms_engine import all_fields

    if _yes(answers.get(ANONYMOUS_FIELD)):
        identity = IdentityProtection.ANONYMOUS
    elif _yes(answers.get(CONFIDENTIAL_FIELD)):
        identity = IdentityProtection.CONFIDENTIAL
    else:
        identity = IdentityProtection.OPEN
    route_to = None
    if version.workflow == WorkflowCode.COMPLAINT:
        for spec in all_fields(version):
            if spec.get("type") != "choice" or answers.get(spec["name"]) in (None, ""):
                continue
            chosen = next((c for c in spec.get("choices") or [] if str(c.get("value")) == str(answers[spec["name"]])),
                          None)
            if chosen is not None and chosen.get(COMPLAINT_UNIT_CHOICE_FLAG):
                route_to = complaint_unit()
                break
    return identity, route_to


def _existing(scope: str, key: str) -> Case | None:
    if not key:
        return None
    matching = Case.objects.filter(idempotency_scope=scope, idempotency_key=key)
    if not matching.exists():  # the usual answer: a cheap query, no rows and no joins to build
        return None
    return matching.select_related("service_version", "agency").first()


def case_submit(
    *,
    version: Any,
    answers: dict[str, Any],
    files: dict[str, Any] | None = None,
    applicant: Any = None,
    submitted_by: Any = None,
    consent: dict[str, Any] | None = None,
    idempotency_key: str = "",
    idempotency_scope: str = "web",
    channel: str = Channel.WEB,
) -> SubmitResult:
    """Create a case from answers and documents, in one transaction; returns it with the PIN in clear.

    With an idempotency key, a second call with the same (scope, key) returns the first case (same PIN,
    `replayed=True`) and creates nothing, also when the calls run concurrently. Raises ValidationError with a
    dict of field/document code → messages (answers are never lost: the caller still holds them).
    """
    files = dict(files or {})
    if not getattr(applicant, "is_authenticated", False):
        applicant = None
    existing = _existing(idempotency_scope, idempotency_key)
    if existing is not None:
        return SubmitResult(existing, pin_new(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key),
                            replayed=True)
    if getattr(version, "status", "published") != "published":
        raise ValidationError({"__all__": [_("This service is not open for applications.")]}, code="not_published")
    _check_audience(version, applicant)
    from simpul.catalog.forms_engine import validate_answers

    cleaned, errors = validate_answers(version, answers)
    checked, doc_errors = documents_check(version=version, answers=cleaned, files=files)
    errors = {**errors, **doc_errors}
    fields = _applicant_fields(version, cleaned, applicant)
    operator_desa = None
    if submitted_by is not None:
        from simpul.accounts.permissions import village_scope

        operator_desa = village_scope(submitted_by)
        if operator_desa is None:
            errors.setdefault("__all__", []).append(_("Only a village operator may submit on behalf of a citizen."))
        elif fields["desa"] and fields["desa"] != operator_desa:
            errors.setdefault("__all__", []).append(
                _("A village operator can only submit applications for residents of their own village.")
            )
        if not (consent or {}).get("given"):
            errors.setdefault("consent", []).append(
                _("The citizen must agree that the operator submits this application for them.")
            )
    if errors:
        raise ValidationError(errors, code="invalid")
    desa_code = fields["desa"] or operator_desa or ""
    identity, route_to = submission_protection(version=version, answers=cleaned)
    if identity == IdentityProtection.ANONYMOUS:
        # Nothing that identifies the reporter is kept, not even what a logged-in account would fill in.
        cleaned = {k: v for k, v in cleaned.items() if k not in identity_answer_names(version)}
        fields = {**fields, "name": "", "phone": "", "email": ""}
    stored_answers, nik = _protect_answers(version, cleaned)
    pin = pin_new(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key)
    try:
        result = _case_create(
            version=version, stored_answers=stored_answers, nik=nik, fields=fields, desa_code=desa_code,
            applicant=applicant, submitted_by=submitted_by, consent=consent or {}, channel=channel,
            idempotency_scope=idempotency_scope, idempotency_key=idempotency_key, checked=checked, pin=pin,
            identity=identity, route_to=route_to,
        )
    except _Replay as replay:
        for item in checked:
            docs.document_delete(item.stored_name)
        return SubmitResult(replay.case, pin, replayed=True)
    except BaseException:
        # The transaction rolled back: files stored before it must not outlive it.
        for item in checked:
            docs.document_delete(item.stored_name)
        raise
    return result


class _Replay(Exception):
    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


@transaction.atomic
def _case_create(
    *, version: Any, stored_answers: dict[str, Any], nik: str, fields: dict[str, Any], desa_code: str,
    applicant: Any, submitted_by: Any, consent: dict[str, Any], channel: str, idempotency_scope: str,
    idempotency_key: str, checked: list[docs.CheckedFile], pin: str, identity: str = IdentityProtection.OPEN,
    route_to: Any = None,
) -> SubmitResult:
    from simpul.core.pdp import encrypt_text, nik_hash
    from simpul.regions.models import Region

    workflow = version.workflow if version.workflow in WorkflowCode.values else WorkflowCode.APPLICATION
    desa = Region.objects.filter(code=desa_code).first() if desa_code else None
    today = _today()
    agency_id = getattr(version, "routing_agency_id", None) or version.agency_id
    agency = history.loaded_related(version, "routing_agency" if getattr(version, "routing_agency_id", None) else "agency")
    if route_to is not None:
        agency_id, agency = route_to.pk, route_to
    case = None
    for _attempt in range(REFERENCE_ATTEMPTS):
        reference = reference_new(today=today)
        case = Case(
            reference=reference, pin_hash=pin_hash(reference, pin), service_version=version,
            service_code=version.service.code, kind=version.kind if version.kind in CaseKind.values else "permohonan",
            workflow=workflow, **({"agency": agency} if agency is not None else {"agency_id": agency_id}),
            applicant=applicant if getattr(applicant, "is_authenticated", False) else None,
            submitted_by=submitted_by, channel=channel, applicant_name=fields["name"][:200],
            nik_encrypted=encrypt_text(nik) if nik else "", nik_hash=nik_hash(nik) if nik else "",
            phone=fields["phone"][:20], email=fields["email"][:254], identity=identity, desa=desa,
            kecamatan_code=(desa.kecamatan_code or "") if desa else "",
            business_nib=_business_nib(applicant) if version.audience == "business" else "",
            form_data=stored_answers, consent=consent, status=INITIAL_STATUS[workflow],
            submitted_at=timezone.now(), due_date=add_working_days(today, version.sla_working_days),
            # The scope is kept even without a key: for an API client it names the client that submitted the
            # case (`simpul.api.exchange.actors.submission_scope`), which `cases:intake` may read back.
            idempotency_scope=idempotency_scope,
            idempotency_key=idempotency_key or None,
        )
        # Foreign keys to rows loaded above (version, its agency, the desa, the users) are not queried again.
        case.full_clean(exclude=["service_version", "agency", "desa", "applicant", "submitted_by"],
                        validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            existing = _existing(idempotency_scope, idempotency_key)
            if existing is not None:
                raise _Replay(existing) from None
            case = None  # reference collision: draw another
    if case is None:
        raise RuntimeError("could not draw a free reference number")
    _store_documents(case=case, checked=checked, round_number=0, actor=submitted_by or applicant)
    on_behalf = case.applicant_name if submitted_by is not None else ""
    history.event_record(case, action=CaseAction.SUBMIT, actor=submitted_by or applicant, to_status=case.status,
           data={"channel": channel, "documents": len(checked)})
    history.notify(case, "complaint.received" if workflow == WorkflowCode.COMPLAINT else "case.submitted")
    # Last: the audit chain's head stays locked from here to the commit, which serialises every submission.
    audit_record(
        actor=submitted_by or applicant, action="cases.case_submit", obj=case, on_behalf_of=on_behalf,
        changes={"reference": case.reference, "service": case.service_code, "channel": channel,
                 "status": case.status, "documents": [c.sha256 for c in checked], "identity": identity,
                 "agency": case.agency_id,
                 "consent": bool(consent.get("given")) if submitted_by is not None else None},
    )
    return SubmitResult(case, pin, replayed=False)


# -- drafts (save and resume) -------------------------------------------------------------------------------------


def draft_create(*, version: Any, owner: Any = None) -> Draft:
    """A new application in progress with its idempotency key (kept in every step's hidden field)."""
    import uuid

    draft = Draft(service_version=version, owner=owner if getattr(owner, "is_authenticated", False) else None,
                  idempotency_key=str(uuid.uuid4()))
    draft.full_clean()
    draft.save()
    return draft


def draft_answers(draft: Draft) -> dict[str, Any]:
    """The draft's answers in clear (for its own pages: pre-filling, conditions, the check page)."""
    return answers_reveal(draft.answers or {})


def draft_applicant_name(draft: Draft) -> str:
    """The applicant's name as answered so far in the draft ("" before the page that asks it)."""
    answers = draft.answers or {}
    return next((str(answers[n]) for n in NAME_FIELDS if answers.get(n)), "")


def draft_update_answers(*, draft: Draft, answers: dict[str, Any]) -> Draft:
    """Keep a page's answers in the draft, protected exactly like a case's (`answers_protect`: NIK and KK
    numbers encrypted)."""
    draft.answers = answers_protect(version=draft.service_version, answers={**(draft.answers or {}), **answers})
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def drafts_protect(*, batch: int = 500) -> int:
    """Encrypt the NIK and KK answers that drafts saved by an earlier version still hold in clear; returns how
    many drafts changed. Safe to run again: encrypted answers are left as they are."""
    changed = 0
    for draft in Draft.objects.select_related("service_version").iterator(chunk_size=batch):
        protected = answers_protect(version=draft.service_version, answers=draft.answers or {})
        if protected != (draft.answers or {}):
            Draft.objects.filter(pk=draft.pk).update(answers=protected)  # not a change by its owner: same updated_at
            changed += 1
    return changed


def draft_attach_documents(*, draft: Draft, files: dict[str, Any]) -> dict[str, list[str]]:
    """Check and store each upload of the draft (replacing an earlier one of the same document).

    Returns the errors per document code; files that passed are kept even when others failed."""
    from simpul.catalog.forms_engine import document_specs

    specs = {spec["code"]: spec for spec in document_specs(draft.service_version)}
    errors: dict[str, list[str]] = {}
    kept = dict(draft.documents or {})
    for code, upload in files.items():
        if code not in specs or not upload:
            continue
        try:
            checked = docs.document_check(upload=upload, spec=specs[code])
        except ValidationError as exc:
            errors[code] = exc.messages
            continue
        docs.document_store(checked, folder="drafts")
        old = kept.get(code)
        if old:
            docs.document_delete(old.get("stored_name", ""))
        kept[code] = checked.as_dict()
    draft.documents = kept
    draft.save(update_fields=["documents", "updated_at"])
    return errors


def draft_delete(*, draft: Draft, keep: set[str] | None = None) -> None:
    """Delete the draft and, once that commits, the files it uploaded, except those in `keep` (the stored names
    a case now owns)."""
    names = [data.get("stored_name", "") for data in (draft.documents or {}).values()]
    Draft.objects.filter(pk=draft.pk).delete()
    for name in names:
        if name and name not in (keep or set()):
            transaction.on_commit(lambda name=name: docs.document_delete(name))


def draft_submit(
    *, draft: Draft, applicant: Any = None, submitted_by: Any = None, consent: dict[str, Any] | None = None
) -> SubmitResult:
    """Submit a draft as a case and delete the draft in the same transaction: once the case exists, its answers
    and documents live only in the case (the draft's files become the case's; the others are removed).

    Idempotent through the draft's key: sending it again after the draft is gone is answered by
    `draft_submission_replay`."""
    files = {code: docs.CheckedFile.from_dict(code, data) for code, data in (draft.documents or {}).items()}
    with transaction.atomic():
        result = case_submit(
            version=draft.service_version, answers=draft_answers(draft), files=files, applicant=applicant,
            submitted_by=submitted_by, consent=consent, idempotency_key=draft.idempotency_key,
            idempotency_scope=DRAFT_SCOPE, channel=Channel.OPERATOR if submitted_by is not None else Channel.WEB,
        )
        keep = set(result.case.documents.values_list("stored_name", flat=True))
        draft_delete(draft=draft, keep=keep)
    return result


def draft_submission_replay(*, service_code: str, idempotency_key: str, user: Any = None) -> SubmitResult | None:
    """The case a deleted draft became, for its check page sent again (a double click, or the offline outbox
    retrying after the first answer was lost): found by the draft's idempotency key, which only that draft's
    pages carried, and only for the applicant or operator who sent it when the case has one."""
    if not idempotency_key:
        return None
    case = (Case.objects.filter(idempotency_scope=DRAFT_SCOPE, idempotency_key=idempotency_key,
                                service_code=service_code).select_related("service_version", "agency").first())
    if case is None:
        return None
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    owners = {pk for pk in (case.applicant_id, case.submitted_by_id) if pk is not None}
    if owners and user_id not in owners:
        return None
    return SubmitResult(case, pin_new(idempotency_scope=DRAFT_SCOPE, idempotency_key=idempotency_key),
                        replayed=True)


# -- drafts past their retention ----------------------------------------------------------------------------------


def drafts_purge(*, older_than_days: int | None = None) -> int:
    """Delete drafts not touched for `older_than_days` (default `settings.DRAFT_RETENTION_DAYS`), with their
    uploaded files: an abandoned application keeps nobody's NIK or documents for longer than that."""
    from datetime import timedelta

    from django.conf import settings

    days = older_than_days if older_than_days is not None else int(getattr(settings, "DRAFT_RETENTION_DAYS", 30))
    from django.db.models import Q

    cutoff = timezone.now() - timedelta(days=days)
    # Also drafts the previous version sent during a rolling upgrade (it linked them to their case and kept them):
    # their files are the case's documents.
    old = list(Draft.objects.filter(Q(updated_at__lt=cutoff) | Q(case__isnull=False))[:1000])
    for draft in old:
        with transaction.atomic():
            if draft.case_id:
                Draft.objects.filter(pk=draft.pk).delete()
            else:
                draft_delete(draft=draft)
    return len(old)
