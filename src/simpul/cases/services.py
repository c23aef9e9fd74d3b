"""Writes of the cases app. Every change is atomic, audited, and its side effects are outbox rows.

- `case_submit`: validate, store documents, reference + PIN, due date, first event, audit, notification.
- `case_transition`: the one function that moves a case along its workflow table (`simpul.cases.workflow`).
- `case_request_revision`, `case_resubmit`, `case_approve`, `case_reject`, `case_withdraw`, `case_forward`,
  `disposition_accept`, `disposition_return`, `case_assign`, `case_anonymise`: the named actions.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.cases import documents as docs
from simpul.cases import history
from simpul.cases.answers import answers_reveal
from simpul.cases.constants import (
    CLOSED_STATUSES,
    ActorRole,
    CaseAction,
    DispositionStatus,
    NoteAudience,
)
from simpul.cases.intake import documents_check, protect_answers, store_documents
from simpul.cases.models import Case, CaseDocument, Disposition
from simpul.cases.permissions import actor_roles, identity_masked, may_reveal_identity
from simpul.cases.workflow import PAUSED_STATUSES, TransitionNotAllowed, transition_find
from simpul.core.calendar import add_working_days, working_days_between
from simpul.core.idempotency import idempotency_forget
from simpul.core.services import audit_record, outbox_forget
from simpul.notifications.services import messages_anonymise

logger = logging.getLogger(__name__)



def _today() -> date:
    return timezone.localdate()


# -- workflow -----------------------------------------------------------------------------------------------------

NOTIFY_EVENTS = {
    CaseAction.REQUEST_REVISION: "case.revision_requested",
    CaseAction.RESUBMIT: "case.resubmitted",
    CaseAction.APPROVE: "case.approved",
    CaseAction.REJECT: "case.rejected",
    CaseAction.FORWARD: "case.forwarded",
    CaseAction.TO_COMPLAINT_UNIT: "case.forwarded",
    CaseAction.RESOLVE: "complaint.resolved",
}


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("service_version", "agency", "applicant").get(
        pk=case.pk
    )


@transaction.atomic
def case_transition(
    *,
    case: Case,
    action: str,
    actor: Any,
    note: str = "",
    internal_note: str = "",
    via_pin: bool = False,
    data: dict[str, Any] | None = None,
    before_save: Any = None,
    note_audience: str | None = None,
    notify_context: dict[str, Any] | None = None,
) -> Case:
    """Move `case` by `action` if the workflow table allows it for this actor; write event, audit, notification.

    `note` goes to whom `note_audience` says (the applicant, or staff only); without it, or when the row fixes
    it, to the row's audience (`simpul.cases.workflow`). Only a note to the applicant is stored as the event's
    `public_note` and reaches the tracking page, the status API, SMS, email and Open311.

    Raises TransitionNotAllowed (HTTP 409) when the action is not allowed now or not for this actor, and
    ValidationError when the row needs a note and none is given.
    """
    locked = _locked(case)
    roles = actor_roles(locked, actor, via_pin=via_pin)
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
    applicant_actor = ActorRole.APPLICANT in roles and not (roles & {ActorRole.OFFICER, ActorRole.HEAD})
    history.event_record(
        locked, action=action, actor=actor, from_status=source, to_status=row.target, public_note=public_note,
        internal_note=internal_note, data={**(data or {}), **({"note_audience": audience} if note else {})},
        actor_label=_("Applicant (with PIN)") if via_pin and not getattr(actor, "is_authenticated", False) else "",
    )
    audit_record(
        actor=actor, action=f"cases.case_{action}", obj=locked,
        actor_label="" if getattr(actor, "is_authenticated", False) else ("applicant-pin" if via_pin else "system"),
        changes={"from": source, "to": row.target, "by_applicant": applicant_actor, **(data or {}),
                 **({"note_audience": audience} if note else {})},
    )
    event = NOTIFY_EVENTS.get(action, "case.status_changed")
    history.notify(locked, event, {**(notify_context or {}), "note": public_note})
    case.refresh_from_db()
    return locked


def case_request_revision(*, case: Case, actor: Any, message: str) -> Case:
    return case_transition(case=case, action=CaseAction.REQUEST_REVISION, actor=actor, note=message)


def case_reject(*, case: Case, actor: Any, reason: str) -> Case:
    return case_transition(case=case, action=CaseAction.REJECT, actor=actor, note=reason)


def case_withdraw(*, case: Case, actor: Any, via_pin: bool = False, reason: str = "") -> Case:
    return case_transition(case=case, action=CaseAction.WITHDRAW, actor=actor, via_pin=via_pin, note=reason)


@transaction.atomic
def case_resubmit(
    *, case: Case, actor: Any, answers: dict[str, Any], files: dict[str, Any] | None = None, via_pin: bool = False,
    note: str = "",
) -> Case:
    """The applicant's correction: new answers and documents. Earlier answers stay in the event's data and
    earlier documents keep their rows (with their round), so the officer sees both versions."""
    locked = _locked(case)
    transition_find(
        workflow=locked.workflow, status=locked.status, action=CaseAction.RESUBMIT,
        roles=actor_roles(locked, actor, via_pin=via_pin),
    )
    version = locked.service_version
    from simpul.catalog.forms_engine import validate_answers

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
    store_documents(case=locked, checked=checked, round_number=round_number, actor=actor)

    def apply(obj: Case) -> None:
        from simpul.core.pdp import encrypt_text, nik_hash

        obj.form_data = stored
        obj.revision_round = round_number
        if nik:
            obj.nik_encrypted = encrypt_text(nik)
            obj.nik_hash = nik_hash(nik)

    return case_transition(
        case=locked, action=CaseAction.RESUBMIT, actor=actor, via_pin=via_pin, note=note, before_save=apply,
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
    *, case: Case, actor: Any, note: str = "", result_file: Any = None, generate_letter: bool = False
) -> Case:
    """Approve: attach the uploaded result document or a generated decision letter (PDF), then close."""
    locked = _locked(case)
    transition_find(workflow=locked.workflow, status=locked.status, action=CaseAction.APPROVE,
                    roles=actor_roles(locked, actor))
    checked: list[docs.CheckedFile] = []
    if result_file is not None:
        try:
            checked.append(docs.document_check(
                upload=result_file, spec={"code": "result", "types": ["pdf", "jpg", "png"]}
            ))
        except ValidationError as exc:
            raise ValidationError({"result_file": exc.messages}) from None
    elif generate_letter:
        from simpul.cases.receipts import decision_letter_pdf

        content = decision_letter_pdf(case=locked, actor=actor, note=note)
        import hashlib

        checked.append(docs.CheckedFile(
            spec_code="result", original_name=f"surat-{locked.reference}.pdf", content=content, kind="pdf",
            content_type="application/pdf", sha256=hashlib.sha256(content).hexdigest(),
        ))
    store_documents(case=locked, checked=checked, round_number=locked.revision_round, actor=actor, is_result=True)
    return case_transition(
        case=locked, action=CaseAction.APPROVE, actor=actor, note=note,
        data={"result_documents": [c.sha256 for c in checked]},
    )


@transaction.atomic
def case_forward(
    *, case: Case, actor: Any, to_agency: Any, reason: str, note_audience: str | None = None
) -> Disposition:
    """Forward the case to another agency (disposition); it stays with this agency until accepted. The reason
    is for staff unless `note_audience` says the applicant; the applicant is told the agency it goes to."""
    locked = _locked(case)
    if to_agency is None or to_agency.pk == locked.agency_id:
        raise ValidationError({"to_agency": [_("Choose another agency.")]})
    holder: dict[str, Disposition] = {}

    def create(obj: Case) -> None:
        disposition = Disposition(
            case=obj, from_agency_id=obj.agency_id, to_agency=to_agency, reason=reason.strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        disposition.full_clean()
        disposition.save()
        holder["d"] = disposition

    case_transition(case=locked, action=CaseAction.FORWARD, actor=actor, note=reason, before_save=create,
                    data={"to_agency": to_agency.code}, note_audience=note_audience,
                    notify_context={"agency": str(to_agency)})
    return holder["d"]


@transaction.atomic
def case_send_to_complaint_unit(
    *, case: Case, actor: Any, note: str, note_audience: str | None = None
) -> Case:
    """Send a complaint to the complaint-handling unit (Inspektorat): a complaint about an office's own staff
    is not for that office to handle. Any office holding the complaint may do it; the unit receives it as new
    and becomes the responsible agency at once (no acceptance step: the office complained about must not
    keep it)."""
    from simpul.agencies.selectors import complaint_unit

    locked = _locked(case)
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


def _pending_disposition(case: Case) -> Disposition:
    disposition = case.dispositions.filter(status=DispositionStatus.PENDING).select_related("to_agency").first()
    if disposition is None:
        raise TransitionNotAllowed(_("This case has no pending forwarding."))
    return disposition


@transaction.atomic
def disposition_accept(*, case: Case, actor: Any, note: str = "", note_audience: str | None = None) -> Case:
    locked = _locked(case)
    disposition = _pending_disposition(locked)

    def accept(obj: Case) -> None:
        disposition.status = DispositionStatus.ACCEPTED
        disposition.decided_by = actor
        disposition.decided_at = timezone.now()
        disposition.decision_note = note
        disposition.save()
        obj.agency_id = disposition.to_agency_id
        obj.assigned_to = None

    return case_transition(case=locked, action=CaseAction.ACCEPT_DISPOSITION, actor=actor, note=note,
                           before_save=accept, data={"agency": disposition.to_agency.code},
                           note_audience=note_audience)


@transaction.atomic
def disposition_return(*, case: Case, actor: Any, reason: str, note_audience: str | None = None) -> Case:
    locked = _locked(case)
    disposition = _pending_disposition(locked)

    def give_back(obj: Case) -> None:
        disposition.status = DispositionStatus.RETURNED
        disposition.decided_by = actor
        disposition.decided_at = timezone.now()
        disposition.decision_note = reason
        disposition.save()

    return case_transition(case=locked, action=CaseAction.RETURN_DISPOSITION, actor=actor, note=reason,
                           before_save=give_back, data={"agency": disposition.to_agency.code},
                           note_audience=note_audience)


@transaction.atomic
def case_assign(*, case: Case, actor: Any, to_user: Any) -> Case:
    """Assign the case to a member of its responsible agency (or to nobody with `to_user=None`)."""
    from simpul.agencies.selectors import user_is_member

    locked = _locked(case)
    if not actor_roles(locked, actor) & {ActorRole.OFFICER, ActorRole.HEAD}:
        raise TransitionNotAllowed(_("You may not take this action on this case."), code="not_permitted")
    if locked.is_closed:
        raise TransitionNotAllowed(_("A closed case cannot be assigned."))
    if to_user is not None and not user_is_member(to_user, locked.agency_id):
        raise ValidationError({"to_user": [_("This person does not work at the responsible agency.")]})
    previous = locked.assigned_to_id
    locked.assigned_to = to_user
    locked.save(update_fields=["assigned_to", "updated_at"])
    history.event_record(locked, action=CaseAction.ASSIGN, actor=actor, visible=False,
           data={"from": previous, "to": getattr(to_user, "pk", None)},
           internal_note=_("Assigned to {name}.").format(name=to_user) if to_user else _("Unassigned."))
    audit_record(actor=actor, action="cases.case_assign", obj=locked,
                 changes={"from": previous, "to": getattr(to_user, "pk", None)})
    return locked


# -- personal data ------------------------------------------------------------------------------------------------


def case_nik_reveal(*, case: Case, actor: Any) -> str:
    """The applicant's NIK in clear for an authorised staff member; every reveal is audited."""
    from simpul.accounts.permissions import may_reveal_nik
    from simpul.core.pdp import decrypt_text

    if not may_reveal_nik(actor) or not actor_roles(case, actor) & {ActorRole.OFFICER, ActorRole.HEAD,
                                                                     ActorRole.RECEIVER}:
        raise TransitionNotAllowed(_("You may not see this NIK."), code="not_permitted")
    if identity_masked(case, actor):  # a protected reporter: only `case_identity_reveal`, by the unit
        raise TransitionNotAllowed(_("You may not see this NIK."), code="not_permitted")
    with transaction.atomic():
        audit_record(actor=actor, action="cases.nik_reveal", obj=case, changes={"reference": case.reference})
    return decrypt_text(case.nik_encrypted) if case.nik_encrypted else ""


def case_identity_reveal(*, case: Case, actor: Any) -> dict[str, str]:
    """A confidential reporter's name, phone, email and NIK in clear, for a member of the complaint-handling
    unit who may see the case; refused to everyone else (the office complained about included). Every reveal
    is audited."""
    from simpul.core.pdp import decrypt_text

    if not may_reveal_identity(case, actor) or not actor_roles(case, actor) & {
            ActorRole.OFFICER, ActorRole.HEAD, ActorRole.RECEIVER}:
        raise TransitionNotAllowed(_("You may not see who reported this complaint."), code="not_permitted")
    with transaction.atomic():
        audit_record(actor=actor, action="cases.identity_reveal", obj=case,
                     changes={"reference": case.reference, "identity": case.identity})
    return {"name": case.applicant_name, "phone": case.phone, "email": case.email,
            "nik": decrypt_text(case.nik_encrypted) if case.nik_encrypted else ""}


def case_document_download_record(*, case: Case, document: CaseDocument, actor: Any) -> None:
    """Audit a staff download of a case document (the view calls this before streaming the file)."""
    with transaction.atomic():
        audit_record(actor=actor, action="cases.document_download", obj=case,
                     changes={"document": document.pk, "sha256": document.sha256})


@transaction.atomic
def case_anonymise(*, case: Case, actor: Any = None) -> Case:
    """Retention: delete the documents and blank the personal fields of a closed case; the history stays.

    Every copy goes: the documents and the photo of a signed consent form (files), the answers, the internal
    notes and earlier answers in the history, the notification messages about the case (recipient and text),
    the stored API response of its idempotency key, and the payloads of its finished outbox messages. What
    remains is the reference, the service, the dates and the public history. (Drafts need nothing: a draft is
    deleted when its case is created.)"""
    locked = _locked(case)
    if not locked.is_closed:
        raise TransitionNotAllowed(_("Only a closed case can be anonymised."))
    documents = list(locked.documents.filter(deleted_at__isnull=True))
    now = timezone.now()
    files = [document.stored_name for document in documents]
    consent_photo = ((locked.consent or {}).get("photo") or {}).get("stored_name", "")
    if consent_photo:
        files.append(str(consent_photo))
    for name in files:
        transaction.on_commit(lambda name=name: docs.document_delete(name))
    locked.documents.filter(pk__in=[d.pk for d in documents]).update(deleted_at=now, original_name="(dihapus)")
    locked.applicant_name = ""
    locked.nik_encrypted = ""
    locked.nik_hash = ""
    locked.phone = ""
    locked.email = ""
    locked.form_data = {}
    locked.consent = {}
    locked.anonymised_at = now
    locked.save()
    locked.events.update(internal_note="", data={})
    messages_anonymise(case_reference=locked.reference)
    idempotency_forget(scope=locked.idempotency_scope, key=locked.idempotency_key)
    outbox_forget(ordering_key=locked.reference)
    audit_record(actor=actor, actor_label="" if actor else "retention", action="cases.case_anonymise", obj=locked,
                 changes={"documents_deleted": len(documents)})
    return locked


# -- retention ----------------------------------------------------------------------------------------------------


def cases_due_for_retention(*, now: Any = None) -> list[Case]:
    """Closed, not yet anonymised cases whose service version's retention period has passed since closing."""
    from datetime import timedelta

    now = now or timezone.now()
    candidates = (Case.objects.filter(closed_at__isnull=False, anonymised_at__isnull=True)
                  .select_related("service_version").order_by("closed_at"))
    return [c for c in candidates.iterator(chunk_size=500)
            if c.closed_at + timedelta(days=c.service_version.retention_days) <= now]


def retention_run(*, dry_run: bool = False, limit: int = 1000) -> list[str]:
    """Anonymise up to `limit` cases past retention (or only list them with `dry_run`); returns references."""
    done = []
    for case in cases_due_for_retention()[:limit]:
        if not dry_run:
            case_anonymise(case=case)
        done.append(case.reference)
    return done
