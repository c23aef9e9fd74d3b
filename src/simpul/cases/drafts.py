"""Application drafts: save and resume, documents attached as they come (also through chunked uploads), and the
draft sent as a case through the intake pipeline (`simpul.cases.intake`)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from simpul.accounts.permissions import village_scope
from simpul.cases import documents as docs
from simpul.cases.answers import answers_protect, answers_reveal, field_types
from simpul.cases.consent import case_consent_attach
from simpul.cases.constants import Channel
from simpul.cases.intake import DRAFT_SCOPE, SubmitResult, case_submit
from simpul.cases.models import Case, Draft
from simpul.cases.prefill import profile_prefill, profile_save_answers
from simpul.cases.reference_numbers import pin_new
from simpul.catalog.forms_engine import FieldRole, answer_for_role, document_specs
from simpul.core.actors import Actor
from simpul.core.limits import Limit, limit_hit, limit_reached
from simpul.core.text import normalise_phone
from simpul.notifications.services import notification_send

logger = logging.getLogger(__name__)



# -- drafts (save and resume) -------------------------------------------------------------------------------------


def draft_create(*, version: Any, owner: Any = None) -> Draft:
    """A new application in progress with its idempotency key (kept in every step's hidden field)."""
    draft = Draft(service_version=version, owner=Actor.of(owner).account,
                  idempotency_key=str(uuid.uuid4()))
    draft.full_clean()
    draft.save()
    return draft


def draft_presets(*, version: Any, user: Any) -> dict[str, Any]:
    """What a form's pages start with before anything is answered: for a village operator, their own village in
    the form's first village question (the one that becomes the case's village, and which must be theirs).
    Shown as the pages' initial values only: nothing counts as answered until the page is sent.

    For a citizen applying for herself: what her profile already says (`simpul.cases.prefill`), once only."""
    village = village_scope(user)
    if not village:
        return {name: filled.value for name, filled in profile_prefill(version=version, user=user).items()}
    first = next((name for name, kind in field_types(version).items() if kind == "region"), None)
    return {first: village} if first else {}


def draft_answers(draft: Draft) -> dict[str, Any]:
    """The draft's answers in clear (for its own pages: pre-filling, conditions, the check page)."""
    return answers_reveal(draft.answers or {})


def draft_applicant_name(draft: Draft) -> str:
    """The applicant's name as answered so far in the draft ("" before the page that asks it)."""
    return answer_for_role(draft.service_version, draft.answers, FieldRole.APPLICANT_NAME)


def draft_update_answers(*, draft: Draft, answers: dict[str, Any]) -> Draft:
    """Keep a page's answers in the draft, protected exactly like a case's (`answers_protect`: NIK and KK
    numbers encrypted)."""
    draft.answers = answers_protect(version=draft.service_version, answers={**(draft.answers or {}), **answers})
    draft.save(update_fields=["answers", "updated_at"])
    return draft


@dataclass(frozen=True)
class ResumeLinkSent:
    """The answer to "send me the link by SMS": sent, or refused for `wait_minutes` (too many in the hour)."""

    sent: bool
    wait_minutes: int = 0


def _resume_limits() -> tuple[Limit, Limit]:
    per_hour = settings.DRAFT_RESUME_SMS_PER_HOUR
    return Limit("draft-resume-sms", per_hour, 3600), Limit("draft-resume-sms-phone", per_hour, 3600)


def draft_send_resume_link(*, draft: Draft, phone: str, resume_url: str, language: str) -> ResumeLinkSent:
    """Send the draft's resume link by SMS to `phone` (a notification: the notifications service renders it within
    the SMS length rules and queues it for the SMS gateway). At most `settings.DRAFT_RESUME_SMS_PER_HOUR` per
    draft and per number in an hour, so the form cannot be used to send texts to anyone."""
    number = normalise_phone(phone)
    per_draft, per_phone = _resume_limits()
    keys = ((per_draft, f"draft:{draft.pk}"), (per_phone, number))
    if any(limit_reached(limit, key) for limit, key in keys):
        return ResumeLinkSent(sent=False, wait_minutes=per_draft.wait_minutes)
    for limit, key in keys:
        limit_hit(limit, key)
    with transaction.atomic():
        notification_send(event="draft.resume_link", to_phone=number, language=language,
                          context={"service_name": str(draft.service_version.name), "resume_url": resume_url})
    return ResumeLinkSent(sent=True)


def draft_contact_phone(*, draft: Draft, user: Any) -> str:
    """The number to offer for the resume link: the draft's phone answer, else the account's own."""
    answered = answer_for_role(draft.service_version, draft_answers(draft), FieldRole.APPLICANT_PHONE)
    if answered:
        return answered
    return str(getattr(user, "phone", "") or "") if getattr(user, "is_authenticated", False) else ""


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
            transaction.on_commit(partial(docs.document_delete, name))


def draft_submit(
    *, draft: Draft, applicant: Any = None, submitted_by: Any = None, consent: dict[str, Any] | None = None,
    consent_photo: docs.CheckedFile | None = None, save_to_profile: bool = False,
) -> SubmitResult:
    """Submit a draft as a case and delete the draft in the same transaction: once the case exists, its answers
    and documents live only in the case (the draft's files become the case's; the others are removed). A village
    operator's `consent_photo` (checked by `simpul.cases.consent.consent_photo_check`) becomes the case's consent
    document in the same transaction. With `save_to_profile`, the applicant's answers she changed from her
    profile (name, phone, village) are saved to it (`simpul.cases.prefill.profile_save_answers`).

    Idempotent through the draft's key: sending it again after the draft is gone is answered by
    `draft_submission_replay`."""
    files = {code: docs.CheckedFile.from_dict(code, data) for code, data in (draft.documents or {}).items()}
    with transaction.atomic():
        result = case_submit(
            version=draft.service_version, answers=draft_answers(draft), files=files, applicant=applicant,
            submitted_by=submitted_by, consent=consent, idempotency_key=draft.idempotency_key,
            idempotency_scope=DRAFT_SCOPE, channel=Channel.OPERATOR if submitted_by is not None else Channel.WEB,
        )
        if consent_photo is not None and submitted_by is not None and not result.replayed:
            case_consent_attach(case=result.case, photo=consent_photo, actor=submitted_by)
        if save_to_profile and applicant is not None and submitted_by is None and not result.replayed:
            profile_save_answers(version=draft.service_version, user=applicant, answers=draft_answers(draft))
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
    account = Actor.of(user).account
    user_id = account.pk if account is not None else None
    owners = {pk for pk in (case.applicant_id, case.submitted_by_id) if pk is not None}
    if owners and user_id not in owners:
        return None
    return SubmitResult(case, pin_new(idempotency_scope=DRAFT_SCOPE, idempotency_key=idempotency_key),
                        replayed=True)



def drafts_purge(*, older_than_days: int | None = None) -> int:
    """Delete drafts not touched for `older_than_days` (default `settings.DRAFT_RETENTION_DAYS`), with their
    uploaded files: an abandoned application keeps nobody's NIK or documents for longer than that."""
    from datetime import timedelta

    from django.conf import settings

    days = older_than_days if older_than_days is not None else settings.DRAFT_RETENTION_DAYS
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
