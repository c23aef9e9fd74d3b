"""Personal data of a case: revealing it to staff (audited), and forgetting it when its retention ends.

- `case_nik_reveal`, `case_identity_reveal`: a NIK, or a confidential reporter's identity, in clear for the
  staff member `simpul.cases.permissions` allows; every reveal is an audit entry.
- `case_document_download_record`: the audit entry of a staff download of a case document.
- `case_anonymise`: delete a closed case's documents and blank its personal fields; the history stays.
- `cases_due_for_retention`, `retention_run`: the closed cases whose service's retention period has passed,
  selected in the database (one query, however many cases there are), and anonymised.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts.permissions import may_reveal_nik
from simpul.cases import documents as docs
from simpul.cases.actions import case_lock
from simpul.cases.constants import CLOSED_STATUSES, ActorRole
from simpul.cases.models import Case, CaseDocument
from simpul.cases.permissions import actor_roles, identity_masked, may_reveal_identity, person_of
from simpul.cases.workflow import TransitionNotAllowed
from simpul.core.actors import Actor
from simpul.core.idempotency import idempotency_forget
from simpul.core.pdp import decrypt_text
from simpul.core.services import audit_record, outbox_forget
from simpul.notifications.services import messages_anonymise

READERS = frozenset({ActorRole.OFFICER, ActorRole.HEAD, ActorRole.RECEIVER})


def case_nik_reveal(*, case: Case, actor: Actor | Any) -> str:
    """The applicant's NIK in clear for an authorised staff member; every reveal is audited."""
    who = Actor.of(actor)
    if not may_reveal_nik(person_of(who)) or not actor_roles(case, who) & READERS:
        raise TransitionNotAllowed(_("You may not see this NIK."), code="not_permitted")
    if identity_masked(case, who):  # a protected reporter: only `case_identity_reveal`, by the unit
        raise TransitionNotAllowed(_("You may not see this NIK."), code="not_permitted")
    with transaction.atomic():
        audit_record(actor=who, action="cases.nik_reveal", obj=case, changes={"reference": case.reference})
    return decrypt_text(case.nik_encrypted) if case.nik_encrypted else ""


def case_identity_reveal(*, case: Case, actor: Actor | Any) -> dict[str, str]:
    """A confidential reporter's name, phone, email and NIK in clear, for a member of the complaint-handling
    unit who may see the case; refused to everyone else (the office complained about included). Every reveal
    is audited."""
    who = Actor.of(actor)
    if not may_reveal_identity(case, who) or not actor_roles(case, who) & READERS:
        raise TransitionNotAllowed(_("You may not see who reported this complaint."), code="not_permitted")
    with transaction.atomic():
        audit_record(actor=who, action="cases.identity_reveal", obj=case,
                     changes={"reference": case.reference, "identity": case.identity})
    return {"name": case.applicant_name, "phone": case.phone, "email": case.email,
            "nik": decrypt_text(case.nik_encrypted) if case.nik_encrypted else ""}


def case_document_download_record(
    *, case: Case, document: CaseDocument, actor: Actor | Any, page: int | None = None
) -> None:
    """Audit a staff read of a case document: a download (the view calls this before streaming the file), or
    with `page` one page of its preview (`simpul.cases.previews`)."""
    with transaction.atomic():
        audit_record(actor=Actor.of(actor), action="cases.document_download", obj=case,
                     changes={"document": document.pk, "sha256": document.sha256,
                              **({"preview_page": page} if page is not None else {})})


@transaction.atomic
def case_anonymise(*, case: Case, actor: Actor | Any = None) -> Case:
    """Retention: delete the documents and blank the personal fields of a closed case; the history stays.

    Every copy goes: the documents and the photo of a signed consent form (files), the answers, the internal
    notes and earlier answers in the history, the notification messages about the case (recipient and text),
    the stored API response of its idempotency key, and the payloads of its finished outbox messages. What
    remains is the reference, the service, the dates and the public history. (Drafts need nothing: a draft is
    deleted when its case is created.) Without `actor`, the platform's retention does it."""
    who = Actor.of(actor) if actor is not None else Actor.system()
    locked = case_lock(case)
    if not locked.is_closed:
        raise TransitionNotAllowed(_("Only a closed case can be anonymised."))
    documents = list(locked.documents.filter(deleted_at__isnull=True))
    now = timezone.now()
    files = [document.stored_name for document in documents]
    consent_photo = ((locked.consent or {}).get("photo") or {}).get("stored_name", "")
    if consent_photo:
        files.append(str(consent_photo))
    for name in files:
        transaction.on_commit(partial(docs.document_delete, name))
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
    audit_record(actor=who, actor_label="retention" if who.account is None else "", action="cases.case_anonymise",
                 obj=locked, changes={"documents_deleted": len(documents)})
    return locked


# -- retention ----------------------------------------------------------------------------------------------------


def cases_due_for_retention(*, now: datetime | None = None) -> QuerySet[Case]:
    """Closed, not yet anonymised cases whose service version's retention period has passed since closing
    (since the last change, for a closed case that has no closing time), oldest first.

    One query: the end of each case's period (`closed_at + retention_days days`) is computed by the database,
    on SQLite as on PostgreSQL, so no case is loaded to be looked at."""
    now = now or timezone.now()
    one_day = Value(timedelta(days=1), output_field=DurationField())
    # As a plain integer: SQLite's duration arithmetic takes IntegerField, not PositiveIntegerField.
    days = Cast("service_version__retention_days", IntegerField())
    period = ExpressionWrapper(days * one_day, output_field=DurationField())
    closed = Coalesce("closed_at", "updated_at", output_field=DateTimeField())
    return (Case.objects.filter(status__in=CLOSED_STATUSES, anonymised_at__isnull=True)
            .alias(retention_ends=ExpressionWrapper(closed + period, output_field=DateTimeField()))
            .filter(retention_ends__lte=now)
            .select_related("service_version").order_by("closed_at", "pk"))


def retention_run(*, dry_run: bool = False, limit: int = 1000) -> list[str]:
    """Anonymise up to `limit` cases past retention (or only list them with `dry_run`); returns references."""
    done = []
    for case in cases_due_for_retention()[:limit]:
        if not dry_run:
            case_anonymise(case=case)
        done.append(case.reference)
    return done
