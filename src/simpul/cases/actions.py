"""Workflow actions on a case: one table (`ACTIONS`), one `perform`, one `available_actions`, for every door.

The back office (`simpul.backoffice.views`), the agency API (`simpul.api.exchange.views`), the applicant's pages
and any future door ask `available_actions(case, actor)` what to offer and call `perform(case, action, actor,
**params)` to do it; none of them decides on its own which service an action runs or who may take it.

Each row of `ACTIONS` says, for one action name (`simpul.cases.constants.CaseAction`):

- who may take it: the workflow table's roles (`simpul.cases.workflow`, read through `transition_find`), plus
  the row's own condition when there is one (`offered`: e.g. a complaint-handling unit exists and is not the
  case's agency; assigning needs an officer or head and an open case);
- what it takes: a typed parameter class (`NoteParams`, `ApproveParams`, `ForwardParams`, `AssignParams`,
  `DesaParams`, `ResubmitParams`);
- what it runs: its service function below (every one atomic, with the case locked);
- what it tells: the applicant's notification event (`notify`) and the audit action (`audit`,
  `cases.case_<action>`);
- where it is offered: the back office form it uses (`form`) and the agency API endpoint that takes it (`api`).

Every writer receives an `Actor` (`simpul.core.actors`); a user is accepted too and turned into one (`Actor.of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from simpul.agencies.selectors import complaint_unit, user_is_member
from simpul.cases import documents as docs
from simpul.cases import history
from simpul.cases.answers import answers_reveal
from simpul.cases.constants import (
    APPLICANT_WITH_PIN,
    CLOSED_STATUSES,
    ActorRole,
    CaseAction,
    CaseStatus,
    DispositionStatus,
    NoteAudience,
)
from simpul.cases.intake import documents_check, protect_answers, store_documents
from simpul.cases.models import Case, Disposition
from simpul.cases.permissions import actor_roles
from simpul.cases.workflow import PAUSED_STATUSES, TransitionNotAllowed, transition_find, transitions_from
from simpul.catalog.forms_engine import all_fields, document_specs, validate_answers
from simpul.core.actors import Actor, ActorKind
from simpul.core.calendar import add_working_days, working_days_between
from simpul.core.pdp import encrypt_text, nik_hash
from simpul.core.registry import Registry
from simpul.core.services import audit_record
from simpul.regions.models import RegionLevel

STAFF_ROLES = frozenset({ActorRole.OFFICER, ActorRole.HEAD})
# What else an approval does, inside its transaction, once the case is approved (`simpul.documents` issues the
# signed decision letter): hook(case=, actor=, note=); an exception rolls the whole approval back.
approval_hooks: Registry[Callable[..., None]] = Registry("approval hook")


# -- parameters of each action ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class NoteParams:
    """A note with the action; `note_audience` overrides the workflow row's audience unless the row fixes it."""

    note: str = ""
    note_audience: str | None = None


@dataclass(frozen=True, kw_only=True)
class RevisionParams:
    """A revision request: the message, and the answers (field names) and documents (codes) the officer asks to
    change; none named means the whole application may be corrected."""

    note: str = ""
    note_audience: str | None = None
    fields: tuple[str, ...] | list[str] = ()
    documents: tuple[str, ...] | list[str] = ()


@dataclass(frozen=True, kw_only=True)
class ApproveParams:
    note: str = ""
    result_file: Any = None  # an uploaded result document (PDF, JPG or PNG)
    passphrase: str = field(default="", repr=False)  # the signer's, for a certified signature (BSrE); never stored


@dataclass(frozen=True, kw_only=True)
class ForwardParams:
    to_agency: Any  # an Agency
    note: str = ""  # the reason
    note_audience: str | None = None


@dataclass(frozen=True, kw_only=True)
class AssignParams:
    to_user: Any = None  # a member of the case's agency, or None to unassign


@dataclass(frozen=True, kw_only=True)
class DesaParams:
    desa: Any  # a village (`Region` of level desa/kelurahan)


@dataclass(frozen=True, kw_only=True)
class ResubmitParams:
    answers: dict[str, Any]
    files: dict[str, Any] | None = None
    note: str = ""
    via_pin: bool = False


# -- the transition engine ----------------------------------------------------------------------------------------


def case_lock(case: Case) -> Case:
    """The case row again, locked until the transaction ends (every action works on this copy)."""
    return Case.objects.select_for_update(of=("self",)).select_related("service_version", "agency", "applicant").get(
        pk=case.pk
    )


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def case_transition(
    *,
    case: Case,
    action: str,
    actor: Actor | Any,
    note: str = "",
    internal_note: str = "",
    via_pin: bool = False,
    data: dict[str, Any] | None = None,
    before_save: Callable[[Case], None] | None = None,
    note_audience: str | None = None,
    notify_context: dict[str, Any] | None = None,
    notify_applicant: bool = True,
) -> Case:
    """Move `case` by `action` if the workflow table allows it for this actor; write event, audit, notification.

    `note` goes to whom `note_audience` says (the applicant, or staff only); without it, or when the row fixes
    it, to the row's audience (`simpul.cases.workflow`). Only a note to the applicant is stored as the event's
    `public_note` and reaches the tracking page, the status API, SMS, email and Open311.

    Raises TransitionNotAllowed (HTTP 409) when the action is not allowed now or not for this actor, and
    ValidationError when the row needs a note and none is given.
    """
    who = Actor.of(actor)
    via_pin = via_pin or who.kind is ActorKind.PIN_HOLDER
    locked = case_lock(case)
    roles = actor_roles(locked, who, via_pin=via_pin)
    row = transition_find(workflow=locked.workflow, status=locked.status, action=action, roles=roles)
    note = (note or "").strip()
    if row.note_required and not note:
        raise ValidationError({"note": [_("Please write a reason or message.")]}, code="note_required")
    audience = row.audience if (row.audience_fixed or not note_audience) else note_audience
    if audience not in NoteAudience.values:
        raise ValidationError({"note_audience": [_("Choose who will read the note.")]}, code="invalid")
    public_note = note if audience == NoteAudience.APPLICANT else ""
    internal_note = "\n\n".join(part for part in (internal_note, note if not public_note else "") if part)
    source = locked.status
    today = _today()
    if source in PAUSED_STATUSES and row.target not in PAUSED_STATUSES and locked.paused_since:
        paused = max(0, working_days_between(locked.paused_since, today))
        locked.sla_paused_days += paused
        locked.due_date = add_working_days(locked.due_date, paused)
        locked.paused_since = None
    if row.target in PAUSED_STATUSES and source not in PAUSED_STATUSES:
        locked.paused_since = today
    if action == CaseAction.EXTEND:
        locked.due_date = add_working_days(locked.due_date, locked.service_version.sla_extension_days)
        locked.extended = True
    locked.status = row.target
    if row.target in CLOSED_STATUSES:
        locked.closed_at = timezone.now()
    if before_save is not None:
        before_save(locked)
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save()
    applicant_actor = ActorRole.APPLICANT in roles and not (roles & STAFF_ROLES)
    anonymous = who.account is None
    history.event_record(
        locked, action=action, actor=who, from_status=source, to_status=row.target, public_note=public_note,
        internal_note=internal_note, data={**(data or {}), **({"note_audience": audience} if note else {})},
        actor_label=APPLICANT_WITH_PIN if via_pin and anonymous else "",
    )
    spec = ACTIONS.get(action)
    audit_record(
        actor=who, action=spec.audit if spec else f"cases.case_{action}", obj=locked,
        actor_label=("applicant-pin" if via_pin else "system") if anonymous else "",
        changes={"from": source, "to": row.target, "by_applicant": applicant_actor, **(data or {}),
                 **({"note_audience": audience} if note else {})},
    )
    if notify_applicant:  # off for the first step of a combined action: one decision, one message
        history.notify(locked, spec.notify if spec and spec.notify else "case.status_changed",
                       {**(notify_context or {}), "note": public_note})
    case.refresh_from_db()
    return locked


# -- the named actions ----------------------------------------------------------------------------------------------


def case_request_revision(
    *, case: Case, actor: Actor | Any, message: str, fields: Iterable[str] = (), documents: Iterable[str] = (),
    note_audience: str | None = None,
) -> Case:
    """Ask the applicant to correct the case. `fields` and `documents` name what is to change (declared field
    names, document codes of the case's form): the applicant's correction form then asks only those, and
    shows the rest read-only. Kept in the event's data (`asked_fields`, `asked_documents`)."""
    version = case.service_version
    known_fields = [f["name"] for f in all_fields(version) if f.get("type") != "file"]
    known_documents = [spec["code"] for spec in document_specs(version)]
    asked_fields = [name for name in known_fields if name in set(fields)]
    asked_documents = [code for code in known_documents if code in set(documents)]
    unknown = (set(fields) - set(known_fields)) | (set(documents) - set(known_documents))
    if unknown:
        raise ValidationError({"fields": [_("This form has no question or document {names}.").format(
            names=", ".join(sorted(unknown)))]}, code="invalid")
    asked = {"asked_fields": asked_fields, "asked_documents": asked_documents} if asked_fields or asked_documents \
        else None
    return case_transition(case=case, action=CaseAction.REQUEST_REVISION, actor=actor, note=message, data=asked,
                           note_audience=note_audience)


def case_reject(*, case: Case, actor: Actor | Any, reason: str) -> Case:
    return case_transition(case=case, action=CaseAction.REJECT, actor=actor, note=reason)


def case_withdraw(*, case: Case, actor: Actor | Any, via_pin: bool = False, reason: str = "") -> Case:
    return case_transition(case=case, action=CaseAction.WITHDRAW, actor=actor, via_pin=via_pin, note=reason)


@transaction.atomic
def case_resubmit(
    *, case: Case, actor: Actor | Any, answers: dict[str, Any], files: dict[str, Any] | None = None,
    via_pin: bool = False, note: str = "",
) -> Case:
    """The applicant's correction: new answers and documents. Earlier answers stay in the event's data and
    earlier documents keep their rows (with their round), so the officer sees both versions."""
    who = Actor.of(actor)
    locked = case_lock(case)
    transition_find(
        workflow=locked.workflow, status=locked.status, action=CaseAction.RESUBMIT,
        roles=actor_roles(locked, who, via_pin=via_pin),
    )
    version = locked.service_version
    cleaned, errors = validate_answers(version, answers)
    on_file = set(locked.documents.filter(is_result=False, deleted_at__isnull=True).values_list("spec_code", flat=True))
    checked, doc_errors = documents_check(version=version, answers=cleaned, files=dict(files or {}), existing=on_file)
    errors = {**errors, **doc_errors}
    if errors:
        raise ValidationError(errors, code="invalid")
    previous = dict(locked.form_data)
    previous_clear = answers_reveal(previous)
    stored, nik = protect_answers(version, cleaned)
    # An encrypted answer the applicant left as it was keeps its stored value (a new encryption of the same
    # NIK differs every time), so the history lists only the answers really changed: compared in clear.
    changed = sorted(k for k in set(previous_clear) | set(cleaned)
                     if _comparable(previous_clear.get(k)) != _comparable(cleaned.get(k)))
    stored = {k: (previous[k] if k not in changed and k in previous else v) for k, v in stored.items()}
    round_number = locked.revision_round + 1
    store_documents(case=locked, checked=checked, round_number=round_number, actor=who.account)

    def apply(obj: Case) -> None:
        obj.form_data = stored
        obj.revision_round = round_number
        if nik:
            obj.nik_encrypted = encrypt_text(nik)
            obj.nik_hash = nik_hash(nik)

    return case_transition(
        case=locked, action=CaseAction.RESUBMIT, actor=who, via_pin=via_pin, note=note, before_save=apply,
        data={"round": round_number, "changed_fields": changed, "previous_answers": previous,
              "new_documents": [c.spec_code for c in checked]},
    )


def _comparable(value: Any) -> Any:
    """An answer as compared between two rounds: None and "" are the same empty answer; numbers and dates
    compare by their JSON text."""
    if value in (None, "", []):
        return None
    return value if isinstance(value, list | dict | bool) else str(value)


@transaction.atomic
def case_approve(
    *, case: Case, actor: Actor | Any, note: str = "", result_file: Any = None, passphrase: str = "",
) -> Case:
    """Approve: attach the uploaded result document if any, close, and run the approval hooks in the same
    transaction (the documents app issues the signed decision letter there: a failure undoes the approval)."""
    who = Actor.of(actor)
    locked = case_lock(case)
    transition_find(workflow=locked.workflow, status=locked.status, action=CaseAction.APPROVE,
                    roles=actor_roles(locked, who))
    checked: list[docs.CheckedFile] = []
    if result_file is not None:
        try:
            checked.append(docs.document_check(
                upload=result_file, spec={"code": "result", "types": ["pdf", "jpg", "png"]}
            ))
        except ValidationError as exc:
            raise ValidationError({"result_file": exc.messages}) from None
    store_documents(case=locked, checked=checked, round_number=locked.revision_round, actor=who.account,
                     is_result=True)
    approved = case_transition(
        case=locked, action=CaseAction.APPROVE, actor=who, note=note,
        data={"result_documents": [c.sha256 for c in checked]},
    )
    for _name, hook in approval_hooks.items():
        hook(case=approved, actor=who, note=note, passphrase=passphrase)
    return approved


@transaction.atomic
def case_send_to_complaint_unit(
    *, case: Case, actor: Actor | Any, note: str, note_audience: str | None = None
) -> Case:
    """Send a complaint to the complaint-handling unit (Inspektorat): a complaint about an office's own staff
    is not for that office to handle. Any office holding the complaint may do it; the unit receives it as new
    and becomes the responsible agency at once (no acceptance step: the office complained about must not
    keep it)."""
    locked = case_lock(case)
    unit = complaint_unit()
    if unit is None:
        raise TransitionNotAllowed(_("No complaint-handling unit is set up."), code="no_complaint_unit")
    if unit.pk == locked.agency_id:
        raise TransitionNotAllowed(_("The complaint is already with the complaint-handling unit."))
    source_code = locked.agency.code

    def hand_over(obj: Case) -> None:
        obj.agency = unit
        obj.assigned_to = None

    return case_transition(
        case=locked, action=CaseAction.TO_COMPLAINT_UNIT, actor=actor, note=note, before_save=hand_over,
        data={"from_agency": source_code, "to_agency": unit.code}, note_audience=note_audience,
        notify_context={"agency": str(unit)},
    )


@transaction.atomic
def case_assign(*, case: Case, actor: Actor | Any, to_user: Any) -> Case:
    """Assign the case to a member of its responsible agency (or to nobody with `to_user=None`)."""
    who = Actor.of(actor)
    locked = case_lock(case)
    if not actor_roles(locked, who) & STAFF_ROLES:
        raise TransitionNotAllowed(_("You may not take this action on this case."), code="not_permitted")
    if locked.is_closed:
        raise TransitionNotAllowed(_("A closed case cannot be assigned."))
    if to_user is not None and not user_is_member(to_user, locked.agency_id):
        raise ValidationError({"to_user": [_("This person does not work at the responsible agency.")]})
    previous = locked.assigned_to_id
    locked.assigned_to = to_user
    locked.save(update_fields=["assigned_to", "updated_at"])
    history.event_record(locked, action=CaseAction.ASSIGN, actor=who, visible=False,
                         data={"from": previous, "to": getattr(to_user, "pk", None)},
                         internal_note=_("Assigned to {name}.").format(name=to_user) if to_user else _("Unassigned."))
    audit_record(actor=who, action=ACTIONS[CaseAction.ASSIGN].audit, obj=locked,
                 changes={"from": previous, "to": getattr(to_user, "pk", None)})
    return locked


@transaction.atomic
def case_set_desa(*, case: Case, actor: Actor | Any, desa: Any) -> Case:
    """Set the village a case is about: a complaint located by its point alone comes without one, and an office
    may correct the one given. An officer or head of the case's agency, while the case is open. The reporter's
    answers stay as they were given; the change is in the history (staff only) and the audit log."""
    who = Actor.of(actor)
    locked = case_lock(case)
    if not actor_roles(locked, who) & STAFF_ROLES:
        raise TransitionNotAllowed(_("You may not take this action on this case."), code="not_permitted")
    if locked.is_closed:
        raise TransitionNotAllowed(_("The village of a closed case cannot be changed."))
    if desa is None or getattr(desa, "level", None) != RegionLevel.DESA:
        raise ValidationError({"desa": [_("Choose a village (desa or kelurahan).")]}, code="invalid")
    previous = locked.desa_id
    locked.desa = desa
    locked.kecamatan_code = desa.kecamatan_code or ""
    locked.save(update_fields=["desa", "kecamatan_code", "updated_at"])
    history.event_record(locked, action=CaseAction.SET_DESA, actor=who, visible=False,
                         data={"from": previous, "to": desa.code},
                         internal_note=_("Village set to {name}.").format(name=desa.name))
    audit_record(actor=who, action=ACTIONS[CaseAction.SET_DESA].audit, obj=locked,
                 changes={"from": previous, "to": desa.code})
    return locked


# -- dispositions (forwarding to another agency) --------------------------------------------------------------------


@transaction.atomic
def case_forward(
    *, case: Case, actor: Actor | Any, to_agency: Any, reason: str, note_audience: str | None = None
) -> Disposition:
    """Forward the case to another agency (disposition); it stays with this agency until accepted. The reason
    is for staff unless `note_audience` says the applicant; the applicant is told the agency it goes to."""
    who = Actor.of(actor)
    locked = case_lock(case)
    if to_agency is None or to_agency.pk == locked.agency_id:
        raise ValidationError({"to_agency": [_("Choose another agency.")]})
    if not to_agency.handles_cases:  # a site such as an official residence (`Agency.handles_cases`, data)
        raise ValidationError({"to_agency": [_("This office does not handle cases. Choose another office.")]})
    holder: dict[str, Disposition] = {}

    def create(obj: Case) -> None:
        disposition = Disposition(case=obj, from_agency_id=obj.agency_id, to_agency=to_agency,
                                  reason=reason.strip(), created_by=who.account)
        disposition.full_clean()
        disposition.save()
        holder["d"] = disposition

    case_transition(case=locked, action=CaseAction.FORWARD, actor=who, note=reason, before_save=create,
                    data={"to_agency": to_agency.code}, note_audience=note_audience,
                    notify_context={"agency": str(to_agency)})
    return holder["d"]


def _pending_disposition(case: Case) -> Disposition:
    disposition = case.dispositions.filter(status=DispositionStatus.PENDING).select_related("to_agency").first()
    if disposition is None:
        raise TransitionNotAllowed(_("This case has no pending forwarding."))
    return disposition


def _disposition_decide(disposition: Disposition, *, status: str, by: Actor, note: str) -> None:
    """Record the receiving agency's decision on a forwarded case (accepted or returned)."""
    disposition.status = status
    disposition.decided_by = by.account
    disposition.decided_at = timezone.now()
    disposition.decision_note = note
    disposition.save()


@transaction.atomic
def disposition_accept(
    *, case: Case, actor: Actor | Any, note: str = "", note_audience: str | None = None
) -> Case:
    """The receiving agency takes the forwarded case: it becomes the responsible agency."""
    who = Actor.of(actor)
    locked = case_lock(case)
    disposition = _pending_disposition(locked)

    def accept(obj: Case) -> None:
        _disposition_decide(disposition, status=DispositionStatus.ACCEPTED, by=who, note=note)
        obj.agency_id = disposition.to_agency_id
        obj.assigned_to = None

    return case_transition(case=locked, action=CaseAction.ACCEPT_DISPOSITION, actor=who, note=note,
                           before_save=accept, data={"agency": disposition.to_agency.code},
                           note_audience=note_audience)


@transaction.atomic
def disposition_return(*, case: Case, actor: Actor | Any, reason: str, note_audience: str | None = None) -> Case:
    """The receiving agency gives the forwarded case back, with its reason; the case stays where it was."""
    who = Actor.of(actor)
    locked = case_lock(case)
    disposition = _pending_disposition(locked)

    def give_back(obj: Case) -> None:
        _disposition_decide(disposition, status=DispositionStatus.RETURNED, by=who, note=reason)

    return case_transition(case=locked, action=CaseAction.RETURN_DISPOSITION, actor=who, note=reason,
                           before_save=give_back, data={"agency": disposition.to_agency.code},
                           note_audience=note_audience)


# -- the table ----------------------------------------------------------------------------------------------------


class Form:
    """The back office form an action is offered with (`simpul.cases.forms`); NONE: not in the back office."""

    NOTE = "note"
    REVISION = "revision"  # a note with the answers and documents to correct (`RevisionForm`)
    APPROVE = "approve"
    FORWARD = "forward"
    ASSIGN = "assign"  # its own form on the case page (`AssignForm`), not among the workflow actions
    DESA = "desa"  # its own form on the case page (`DesaForm`), beside the village and the point
    NONE = ""


class Endpoint:
    """The agency API endpoint that takes an action (`simpul.api.exchange.urls`); NONE: not in the API."""

    ACTION = "action"  # POST .../cases/<reference>/actions/
    DISPOSITIONS = "dispositions"  # POST .../dispositions/, .../accept/, .../return/
    NONE = ""


@dataclass(frozen=True)
class ActionSpec:
    """One row of `ACTIONS`: what an action takes, runs, tells, and where it is offered."""

    action: str
    params: type
    run: Callable[[Case, Actor, Any], Any]
    form: str = Form.NOTE
    api: str = Endpoint.ACTION
    notify: str = ""  # the applicant's notification event ("" = "case.status_changed"; none for `assign`)
    offered: Callable[[Case, set[str], Lookups], bool] | None = None  # a condition beyond the workflow table
    transition: bool = True  # a row of the workflow table (`assign` is not: it changes no status)
    label: Any = None  # the back office label when not the action's own (`CaseAction.label`)
    # Actions this one may follow in the same post when it is not allowed in the case's status but is right
    # after one of them: "approve" on a submitted case records "verify" and then "approve" (two events, two
    # audit entries, one notification). The workflow table still decides each step.
    through: tuple[str, ...] = ()
    rank: int = 50  # the order doors offer actions in: the lowest available one is the likely next step
    note_label: Any = None  # the note field's label when not the audience's own ("Why you return it")

    @property
    def audit(self) -> str:
        return f"cases.case_{self.action}"


def _transition(action: str) -> Callable[[Case, Actor, Any], Any]:
    def run(case: Case, actor: Actor, p: NoteParams) -> Case:
        return case_transition(case=case, action=action, actor=actor, note=p.note, note_audience=p.note_audience)

    return run


def _run_revision(case: Case, actor: Actor, p: RevisionParams) -> Case:
    return case_request_revision(case=case, actor=actor, message=p.note, fields=p.fields, documents=p.documents,
                                 note_audience=p.note_audience)


def _run_approve(case: Case, actor: Actor, p: ApproveParams) -> Case:
    return case_approve(case=case, actor=actor, note=p.note, result_file=p.result_file,
                        passphrase=p.passphrase)


def _run_forward(case: Case, actor: Actor, p: ForwardParams) -> Disposition:
    return case_forward(case=case, actor=actor, to_agency=p.to_agency, reason=p.note, note_audience=p.note_audience)


def _run_accept(case: Case, actor: Actor, p: NoteParams) -> Case:
    return disposition_accept(case=case, actor=actor, note=p.note, note_audience=p.note_audience)


def _run_return(case: Case, actor: Actor, p: NoteParams) -> Case:
    return disposition_return(case=case, actor=actor, reason=p.note, note_audience=p.note_audience)


def _run_to_unit(case: Case, actor: Actor, p: NoteParams) -> Case:
    return case_send_to_complaint_unit(case=case, actor=actor, note=p.note, note_audience=p.note_audience)


def _run_assign(case: Case, actor: Actor, p: AssignParams) -> Case:
    return case_assign(case=case, actor=actor, to_user=p.to_user)


def _run_set_desa(case: Case, actor: Actor, p: DesaParams) -> Case:
    return case_set_desa(case=case, actor=actor, desa=p.desa)


def _run_resubmit(case: Case, actor: Actor, p: ResubmitParams) -> Case:
    return case_resubmit(case=case, actor=actor, answers=p.answers, files=p.files, via_pin=p.via_pin, note=p.note)


def _run_withdraw(case: Case, actor: Actor, p: NoteParams) -> Case:
    return case_withdraw(case=case, actor=actor, reason=p.note)


class Lookups:
    """What the conditions and labels of one `available_actions` call read, read at most once."""

    @cached_property
    def complaint_unit(self) -> Any:
        return complaint_unit()


def _unit_takes_it(case: Case, roles: set[str], lookups: Lookups) -> bool:
    unit = lookups.complaint_unit
    return unit is not None and unit.pk != case.agency_id


def _may_assign(case: Case, roles: set[str], lookups: Lookups | None = None) -> bool:
    return not case.is_closed and bool(roles & STAFF_ROLES)


def may_set_desa(case: Case, actor: Actor | Any) -> bool:
    """Whether `actor` may set the village of `case` now (the same rule as assigning)."""
    return _may_assign(case, actor_roles(case, Actor.of(actor)))


def may_assign(case: Case, actor: Actor | Any) -> bool:
    """Whether `actor` may assign `case` now (an officer or head of its agency, while it is open)."""
    return _may_assign(case, actor_roles(case, Actor.of(actor)))


def _row(action: str, **kwargs: Any) -> tuple[str, ActionSpec]:
    kwargs.setdefault("params", NoteParams)
    kwargs.setdefault("run", _transition(action))
    return action, ActionSpec(action=action, **kwargs)


A = CaseAction
ACTIONS: dict[str, ActionSpec] = dict([
    _row(A.VERIFY, rank=30),
    _row(A.PROCESS, rank=40),
    _row(A.REQUEST_REVISION, params=RevisionParams, run=_run_revision, form=Form.REVISION,
         notify="case.revision_requested", through=(A.VERIFY,), rank=45),
    _row(A.APPROVE, params=ApproveParams, run=_run_approve, form=Form.APPROVE, notify="case.approved",
         through=(A.VERIFY,), rank=10),
    _row(A.REJECT, notify="case.rejected", through=(A.VERIFY,), rank=60),
    _row(A.EXTEND, rank=70),
    _row(A.FOLLOW_UP, through=(A.VERIFY,), rank=20),
    _row(A.RESOLVE, notify="complaint.resolved", rank=10),
    _row(A.POSTPONE),
    _row(A.RESUME),
    _row(A.REDIRECT),
    _row(A.TO_COMPLAINT_UNIT, run=_run_to_unit, notify="case.forwarded", offered=_unit_takes_it, rank=85),
    _row(A.FORWARD, params=ForwardParams, run=_run_forward, form=Form.FORWARD, api=Endpoint.DISPOSITIONS,
         notify="case.forwarded", rank=80),
    _row(A.ACCEPT_DISPOSITION, run=_run_accept, api=Endpoint.DISPOSITIONS, rank=10),
    _row(A.RETURN_DISPOSITION, run=_run_return, api=Endpoint.DISPOSITIONS, rank=20,
         note_label=_lazy("Why you return it")),
    # The applicant's own actions: on the portal and the tracking page, not in the back office or the API.
    _row(A.WITHDRAW, run=_run_withdraw, form=Form.NONE, api=Endpoint.NONE),
    _row(A.RESUBMIT, params=ResubmitParams, run=_run_resubmit, form=Form.NONE, api=Endpoint.NONE,
         notify="case.resubmitted"),
    _row(A.ASSIGN, params=AssignParams, run=_run_assign, form=Form.ASSIGN, api=Endpoint.NONE, transition=False,
         offered=_may_assign),
    _row(A.SET_DESA, params=DesaParams, run=_run_set_desa, form=Form.DESA, api=Endpoint.NONE, transition=False,
         offered=_may_assign),
])
del A


# -- the doors' two questions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Available:
    """An action `actor` may take on the case now, with what a door needs to offer it."""

    spec: ActionSpec
    label: str
    target: str = ""  # the status it leads to ("" for `assign`)
    target_label: str = ""
    note_required: bool = False
    audience: str = NoteAudience.APPLICANT
    audience_fixed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    through: str = ""  # the action recorded first in the same post (`ActionSpec.through`), "" for none

    @property
    def action(self) -> str:
        return self.spec.action


def _label(spec: ActionSpec, lookups: Lookups) -> str:
    if spec.action == CaseAction.TO_COMPLAINT_UNIT:
        return _("Send to the complaint-handling unit ({unit})").format(unit=lookups.complaint_unit)
    return str(CaseAction(spec.action).label)


def available_actions(case: Case, actor: Actor | Any, *, via_pin: bool = False) -> list[Available]:
    """What `actor` may do with `case` now: each workflow row leaving its status that one of the actor's roles
    may take and whose own condition holds, then `assign` when allowed. Doors filter by `spec.form` or
    `spec.api` for what they offer."""
    who = Actor.of(actor)
    roles = actor_roles(case, who, via_pin=via_pin or who.kind is ActorKind.PIN_HOLDER)
    lookups = Lookups()
    found: list[Available] = []
    for row in transitions_from(case.workflow, case.status, roles):
        spec = ACTIONS.get(row.action)
        if spec is None or (spec.offered is not None and not spec.offered(case, roles, lookups)):
            continue
        found.append(Available(
            spec=spec, label=_label(spec, lookups), target=row.target, target_label=str(CaseStatus(row.target).label),
            note_required=row.note_required, audience=row.audience, audience_fixed=row.audience_fixed,
        ))
    direct = {item.action for item in found}
    for spec in ACTIONS.values():
        if spec.action in direct or (spec.offered is not None and not spec.offered(case, roles, lookups)):
            continue
        lead, row = _through(case.workflow, case.status, spec, roles)
        if row is not None:
            found.append(Available(
                spec=spec, label=_label(spec, lookups), target=row.target,
                target_label=str(CaseStatus(row.target).label), note_required=row.note_required,
                audience=row.audience, audience_fixed=row.audience_fixed, through=lead,
            ))
    for spec in ACTIONS.values():
        if not spec.transition and (spec.offered is None or spec.offered(case, roles, lookups)):
            found.append(Available(spec=spec, label=str(CaseAction(spec.action).label)))
    return sorted(found, key=lambda item: item.spec.rank)  # stable: the workflow table's order within a rank


def _through(workflow: str, status: str, spec: ActionSpec, roles: set[str]) -> tuple[str, Any]:
    """The action `spec` may follow in one post from `status` (its `through`), with the workflow row that then
    takes it; ("", None) when there is none or `spec` is allowed from `status` itself."""
    if not spec.transition or any(r.action == spec.action for r in transitions_from(workflow, status, roles)):
        return "", None
    for lead in spec.through:
        first = next((r for r in transitions_from(workflow, status, roles) if r.action == lead), None)
        if first is None:
            continue
        second = next((r for r in transitions_from(workflow, first.target, roles) if r.action == spec.action), None)
        if second is not None:
            return lead, second
    return "", None


def perform(case: Case, action: str, actor: Actor | Any, **params: Any) -> Any:
    """Take `action` on `case` as `actor` with the action's parameters (see its row in `ACTIONS`); returns what
    its service returns (the case, or the new `Disposition` for `forward`).

    Raises TransitionNotAllowed for an unknown action or one not allowed now or for this actor, and
    ValidationError for missing or wrong parameters (a note that is required, another agency, ...)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise TransitionNotAllowed(_("This action is not allowed in the current status."))
    who = Actor.of(actor)
    params_checked = spec.params(**params)
    lead = ""
    if spec.through:
        lead, _row_then = _through(case.workflow, case.status, spec, actor_roles(case, who))
    if not lead:
        return spec.run(case, who, params_checked)
    try:
        with transaction.atomic():  # both steps or neither: a refused decision leaves the case as it was
            case_transition(case=case, action=lead, actor=who, notify_applicant=False)
            return spec.run(case, who, params_checked)
    except Exception:
        case.refresh_from_db()  # the first step's status on this object was rolled back with it
        raise
