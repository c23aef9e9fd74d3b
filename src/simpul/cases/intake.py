"""Case intake: the one pipeline every door submits through (JSON API, Open311, the portal's drafts and their
chunked uploads, the village operator's counter).

A door parses its request into a `Submission` and calls `submit`; it gets a `SubmitResult` back (the case, its
PIN in clear, whether it was a replay) or one of the typed refusals below, which it renders in its own format.
The rules that decide the outcome live here and nowhere else:

- the agency a case goes to (`case_agency`): the complaint-handling unit when an answer asks for it, else the
  service's routing agency, else its owner; an API client restricted to agencies is checked against THAT agency;
- the idempotency scope (`idempotency_scope`): `client:<id>` for an API client whatever its door, `user:<id>`
  for a signed-in person using the JSON API, `draft` for a portal draft (whose key only its pages carry);
- the payload fingerprint (`submission_fingerprint`): the service, the answers and the documents' SHA-256 (and
  the point, when there is one); the same key with the same payload returns the first case, with another payload
  `IdempotencyConflict`;
- a point (`Point`: Open311's lat/long) locates a case on its own: the village question may then be left
  unanswered, the point is kept, and the office sets the village (no village points or boundaries are loaded to
  find it from the point).

Everything is validated before any row is locked or written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts.models import Role
from simpul.accounts.permissions import village_scope
from simpul.agencies.selectors import complaint_unit
from simpul.cases import documents as docs
from simpul.cases import history
from simpul.cases.answers import answers_protect, field_types
from simpul.cases.constants import (
    ANONYMOUS_FIELD,
    COMPLAINT_UNIT_CHOICE_FLAG,
    CONFIDENTIAL_FIELD,
    CaseAction,
    CaseKind,
    Channel,
    IdentityProtection,
    WorkflowCode,
)
from simpul.cases.models import Case, CaseDocument
from simpul.cases.permissions import identity_answer_names
from simpul.cases.reference_numbers import pin_hash, pin_new, reference_new
from simpul.cases.workflow import INITIAL_STATUS
from simpul.catalog.forms_engine import (
    FieldRole,
    all_fields,
    answer_for_role,
    document_specs,
    validate_answers,
)
from simpul.catalog.models import localized
from simpul.clients.auth import client_may_act_for
from simpul.core.actors import Actor, ActorKind, account_of
from simpul.core.calendar import add_working_days
from simpul.core.idempotency import key_is_valid
from simpul.core.pdp import encrypt_text, nik_hash
from simpul.core.services import audit_record

REFERENCE_ATTEMPTS = 12
DRAFT_SCOPE = "draft"
POINT_PLACES = Decimal("0.000001")  # six decimals of a degree: about 10 cm, what `Case.latitude` keeps
POINT_FIELD = "point"  # the error key of a bad point


@dataclass(frozen=True)
class Point:
    """A place in WGS 84 decimal degrees, as a door received it (Open311's `lat` and `long`)."""

    latitude: Decimal
    longitude: Decimal

    @classmethod
    def parse(cls, latitude: str, longitude: str) -> Point:
        """The point of two decimal numbers, rounded to six places; ValidationError under `point` when either is
        not a number or is out of range (latitude -90..90, longitude -180..180)."""
        try:
            lat = Decimal(str(latitude).strip()).quantize(POINT_PLACES, rounding=ROUND_HALF_EVEN)
            lon = Decimal(str(longitude).strip()).quantize(POINT_PLACES, rounding=ROUND_HALF_EVEN)
        except (InvalidOperation, ValueError):
            lat = lon = Decimal("NaN")
        if not (lat.is_finite() and lon.is_finite() and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(
                {POINT_FIELD: [_("Give the place as decimal degrees: a latitude from -90 to 90 and a longitude "
                                 "from -180 to 180, such as -2.8833 and 103.85.")]}, code="invalid_point")
        return cls(lat, lon)


@dataclass
class SubmitResult:
    case: Case
    pin: str
    replayed: bool = False


class IdempotencyConflict(Exception):
    """The idempotency key was used before with another payload (the doors answer 422)."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


class InvalidIdempotencyKey(Exception):
    """The idempotency key is not 1-200 printable ASCII characters (`simpul.core.idempotency.key_is_valid`; the
    doors answer 400)."""


class ClientNotAllowed(Exception):
    """The API client may not submit to the agency the case would go to (the doors answer 403)."""

    def __init__(self, agency: Any) -> None:
        super().__init__(getattr(agency, "code", ""))
        self.agency = agency


@dataclass(frozen=True)
class Submission:
    """What every door hands to `submit`: one case to create."""

    version: Any  # simpul.catalog.models.ServiceVersion
    answers: dict[str, Any]
    actor: Actor  # who sends it: the applicant, a village operator, an API client, or anonymous
    channel: str = Channel.WEB
    files: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""
    consent: dict[str, Any] | None = None
    client: Any = None  # the API client (simpul.clients) when an agency system sends it
    on_behalf: bool = False  # a village operator submits for a citizen (actor.user is the operator)
    from_draft: bool = False
    point: Point | None = None  # where it is, when the door has coordinates (Open311's lat/long)

    @property
    def scope(self) -> str:
        return DRAFT_SCOPE if self.from_draft else idempotency_scope(self.actor, client=self.client)


def idempotency_scope(actor: Actor, *, client: Any = None) -> str:
    """The one scope rule: a client's keys are its own whatever the door, a person's are theirs."""
    if client is not None:
        return f"client:{client.pk}"
    if actor.kind is ActorKind.API_CLIENT and actor.client_id is not None:
        return f"client:{actor.client_id}"
    if actor.account is not None:
        return f"user:{actor.account.pk}"
    return "anonymous"


def _file_digest(upload: Any) -> str:
    if isinstance(upload, docs.CheckedFile):
        return upload.sha256
    if upload is None or upload == "":
        return ""
    content = getattr(upload, "content", None)
    if isinstance(content, bytes):  # a document decoded from the JSON API's base64
        return hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256()
    for chunk in upload.chunks():  # a posted file, read in parts and rewound for the document check
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def submission_fingerprint(
    *, service_code: str, answers: dict[str, Any], files: dict[str, Any] | None, point: Point | None = None
) -> str:
    """The one payload-fingerprint rule: the service, the answers (canonical JSON), each document's SHA-256 and
    the point when there is one (a payload without a point keeps the fingerprint it always had)."""
    body: dict[str, Any] = {
        "service": service_code,
        "answers": answers,
        "documents": {code: _file_digest(upload) for code, upload in sorted((files or {}).items())},
    }
    if point is not None:
        body["point"] = [str(point.latitude), str(point.longitude)]
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def case_agency(version: Any, route_to: Any = None) -> Any:
    """The one agency rule: the complaint-handling unit when an answer asks for it, else the service's routing
    agency, else its owner."""
    if route_to is not None:
        return route_to
    if getattr(version, "routing_agency_id", None):
        return version.routing_agency
    return version.agency


def submit(command: Submission) -> SubmitResult:
    """Create the case `command` describes (see the module docstring); raises ValidationError (field/document
    code -> messages), InvalidIdempotencyKey, ClientNotAllowed or IdempotencyConflict, and writes nothing then."""
    if command.idempotency_key and not key_is_valid(command.idempotency_key):
        raise InvalidIdempotencyKey
    user = command.actor.account if command.actor.kind is ActorKind.PERSON else None
    return case_submit(
        version=command.version, answers=command.answers, files=command.files,
        applicant=None if command.on_behalf else user, submitted_by=user if command.on_behalf else None,
        consent=command.consent, idempotency_key=command.idempotency_key, idempotency_scope=command.scope,
        channel=command.channel, client=command.client, point=command.point,
    )


# -- submission ------------------------------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def protect_answers(version: Any, cleaned: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Answers to store: NIK and KK numbers encrypted. Returns (answers, the applicant's NIK in clear)."""
    return answers_protect(version=version, answers=cleaned), answer_for_role(version, cleaned, FieldRole.APPLICANT_NIK)


def _applicant_fields(version: Any, cleaned: dict[str, Any], applicant: Any) -> dict[str, Any]:
    """The applicant's name, phone and email from the fields declared with those roles (else from the signed-in
    applicant's account), and the village from the first region answer."""
    types = field_types(version)
    desa = next((str(value) for name, value in cleaned.items() if types.get(name) == "region" and value), "")
    found: dict[str, Any] = {
        "name": answer_for_role(version, cleaned, FieldRole.APPLICANT_NAME),
        "phone": answer_for_role(version, cleaned, FieldRole.APPLICANT_PHONE),
        "email": answer_for_role(version, cleaned, FieldRole.APPLICANT_EMAIL),
        "desa": desa,
    }
    if applicant is not None:
        for key, attribute in (("name", "full_name"), ("phone", "phone"), ("email", "email")):
            if not found[key]:
                found[key] = getattr(applicant, attribute, "") or ""
    return found


def store_documents(
    *, case: Case, checked: list[docs.CheckedFile], round_number: int, actor: Any, is_result: bool = False
) -> list[CaseDocument]:
    rows = []
    for item in checked:
        name = docs.document_store(item)
        row = CaseDocument(
            case=case, spec_code=item.spec_code or "result", original_name=item.original_name, stored_name=name,
            content_type=item.content_type, size=item.size, sha256=item.sha256, round=round_number,
            uploaded_by=account_of(actor), is_result=is_result,
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
    idempotency_scope: str = DRAFT_SCOPE,
    channel: str = Channel.WEB,
    client: Any = None,
    point: Point | None = None,
) -> SubmitResult:
    """Create a case from answers and documents, in one transaction; returns it with the PIN in clear.

    With an idempotency key, a second call with the same (scope, key) returns the first case (same PIN,
    `replayed=True`) and creates nothing, also when the calls run concurrently. Raises ValidationError with a
    dict of field/document code → messages (answers are never lost: the caller still holds them). With a
    `point`, the village (a region answer) may be left unanswered: the case keeps the point and the office sets
    the village.
    """
    files = dict(files or {})
    applicant = Actor.of(applicant).account  # a signed-in person, else None
    fingerprint = submission_fingerprint(service_code=version.service.code, answers=answers, files=files,
                                         point=point)
    existing = _existing(idempotency_scope, idempotency_key)
    if existing is not None:
        return _replayed(existing, fingerprint=fingerprint, scope=idempotency_scope, key=idempotency_key)
    if getattr(version, "status", "published") != "published":
        raise ValidationError({"__all__": [_("This service is not open for applications.")]}, code="not_published")
    _check_audience(version, applicant)
    located = {name for name, kind in field_types(version).items() if kind == "region"} if point else set()
    cleaned, errors = validate_answers(version, answers, optional=located)
    checked, doc_errors = documents_check(version=version, answers=cleaned, files=files)
    errors = {**errors, **doc_errors}
    fields = _applicant_fields(version, cleaned, applicant)
    operator_desa = None
    if submitted_by is not None:
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
    agency = case_agency(version, route_to)
    if client is not None and not client_may_act_for(client, agency=agency, service_code=version.service.code,
                                                     service_kind=version.kind):
        raise ClientNotAllowed(agency)
    if identity == IdentityProtection.ANONYMOUS:
        # Nothing that identifies the reporter is kept, not even what a logged-in account would fill in.
        cleaned = {k: v for k, v in cleaned.items() if k not in identity_answer_names(version)}
        fields = {**fields, "name": "", "phone": "", "email": ""}
    stored_answers, nik = protect_answers(version, cleaned)
    pin = pin_new(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key)
    try:
        result = _case_create(
            version=version, stored_answers=stored_answers, nik=nik, fields=fields, desa_code=desa_code,
            applicant=applicant, submitted_by=submitted_by, consent=consent or {}, channel=channel,
            idempotency_scope=idempotency_scope, idempotency_key=idempotency_key, checked=checked, pin=pin,
            identity=identity, agency=agency, fingerprint=fingerprint, point=point,
        )
    except _Replay as replay:
        for item in checked:
            docs.document_delete(item.stored_name)
        return _replayed(replay.case, fingerprint=fingerprint, scope=idempotency_scope, key=idempotency_key)
    except BaseException:
        # The transaction rolled back: files stored before it must not outlive it.
        for item in checked:
            docs.document_delete(item.stored_name)
        raise
    return result


def _replayed(case: Case, *, fingerprint: str, scope: str, key: str) -> SubmitResult:
    """The first case of (scope, key), or IdempotencyConflict when it was made from another payload (a case from
    before fingerprints were kept has none and is taken as the same)."""
    if case.idempotency_fingerprint and case.idempotency_fingerprint != fingerprint:
        raise IdempotencyConflict(case)
    return SubmitResult(case, pin_new(idempotency_scope=scope, idempotency_key=key), replayed=True)


class _Replay(Exception):
    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


@transaction.atomic
def _case_create(
    *, version: Any, stored_answers: dict[str, Any], nik: str, fields: dict[str, Any], desa_code: str,
    applicant: Any, submitted_by: Any, consent: dict[str, Any], channel: str, idempotency_scope: str,
    idempotency_key: str, checked: list[docs.CheckedFile], pin: str, identity: str = IdentityProtection.OPEN,
    agency: Any, fingerprint: str = "", point: Point | None = None,
) -> SubmitResult:
    workflow = version.workflow if version.workflow in WorkflowCode.values else WorkflowCode.APPLICATION
    # The desa's code was checked (a region answer) or comes from the operator's own village: no need to load it.
    kecamatan_code = ".".join(desa_code.split(".")[:3]) if desa_code.count(".") >= 2 else ""
    today = _today()
    case = None
    for _attempt in range(REFERENCE_ATTEMPTS):
        reference = reference_new(today=today)
        case = Case(
            reference=reference, pin_hash=pin_hash(reference, pin), service_version=version,
            service_code=version.service.code, kind=version.kind if version.kind in CaseKind.values else "permohonan",
            workflow=workflow, agency=agency,
            applicant=applicant,
            submitted_by=submitted_by, channel=channel, applicant_name=fields["name"][:200],
            nik_encrypted=encrypt_text(nik) if nik else "", nik_hash=nik_hash(nik) if nik else "",
            phone=fields["phone"][:20], email=fields["email"][:254], identity=identity, desa_id=desa_code or None,
            kecamatan_code=kecamatan_code, latitude=point.latitude if point else None,
            longitude=point.longitude if point else None,
            business_nib=_business_nib(applicant) if version.audience == "business" else "",
            form_data=stored_answers, consent=consent, status=INITIAL_STATUS[workflow],
            submitted_at=timezone.now(), due_date=add_working_days(today, version.sla_working_days),
            # The scope is kept even without a key: for an API client it names the client that submitted the
            # case (`idempotency_scope`), which `cases:intake` may read back.
            idempotency_scope=idempotency_scope,
            idempotency_key=idempotency_key or None, idempotency_fingerprint=fingerprint if idempotency_key else "",
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
    store_documents(case=case, checked=checked, round_number=0, actor=submitted_by or applicant)
    on_behalf = case.applicant_name if submitted_by is not None else ""
    history.event_record(case, action=CaseAction.SUBMIT, actor=submitted_by or applicant, to_status=case.status,
           data={"channel": channel, "documents": len(checked)})
    history.notify(case, "complaint.received" if workflow == WorkflowCode.COMPLAINT else "case.submitted")
    # The entry is written pending (no lock on the chain's head); the worker's chainer links it after the commit.
    audit_record(
        actor=submitted_by or applicant, action="cases.case_submit", obj=case, on_behalf_of=on_behalf,
        changes={"reference": case.reference, "service": case.service_code, "channel": channel,
                 "status": case.status, "documents": [c.sha256 for c in checked], "identity": identity,
                 "agency": case.agency_id,
                 "consent": bool(consent.get("given")) if submitted_by is not None else None},
    )
    return SubmitResult(case, pin, replayed=False)
