"""Writes of issued documents: numbering, issuing a decision letter, revoking.

`document_issue_decision` runs inside the approval's transaction (registered as an approval hook of
`simpul.cases.actions`): it takes the office's next number (the year's counter row locked until the transaction
ends, so numbers are gap-free and never given twice), renders the letter, signs it with the configured backend, and
stores it with an audit entry holding its SHA-256. If signing fails it raises a `ValidationError` with the reason:
the approval rolls back with it, and neither the number nor the document exists.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simpul.core.actors import Actor
from simpul.core.http.urls import absolute_url
from simpul.core.pdf import PdfMetadata, pdf_render
from simpul.core.services import audit_record
from simpul.documents.letters import initials, letter_context, signature_box
from simpul.documents.models import (
    DEFAULT_PATTERN,
    Document,
    DocumentKind,
    DocumentStatus,
    Letterhead,
    LetterTemplate,
    NumberCounter,
    NumberPattern,
    Signer,
)
from simpul.documents.signing import SignerIdentity, SigningError, backend

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_LENGTH = 10


def verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_path(code: str) -> str:
    return f"/verifikasi/{code}/"


@transaction.atomic
def number_take(*, agency: Any, year: int) -> int:
    """The office's next running number in `year`: its counter row locked until the caller's transaction ends."""
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(agency=agency, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def number_format(*, agency: Any, classification: str, number: int, year: int) -> str:
    """The letter number in the office's pattern (or the kabupaten's): e.g. 400.12/17/DISDUKCAPIL/2026."""
    pattern = pattern_for(agency)
    letterhead = Letterhead.objects.filter(agency=agency).first()
    values = {"klasifikasi": classification or pattern.default_classification, "nomor": str(number),
              "kode_unit": letterhead.unit_code if letterhead else agency.code.upper(), "tahun": str(year)}
    return str(pattern.pattern).format_map(values)


def pattern_for(agency: Any) -> NumberPattern:
    return (NumberPattern.objects.filter(agency=agency).first()
            or NumberPattern.objects.filter(agency__isnull=True).first()
            or NumberPattern(pattern=DEFAULT_PATTERN, default_classification="000"))


def signer_for(*, agency: Any, account: Any) -> Signer:
    """Who signs a decision of `agency` taken by `account`: the account itself when it is one of the office's
    signers, else the office's default signer. Raises ValidationError when the office has none."""
    signers = Signer.objects.filter(agency=agency, is_active=True).select_related(
        "user", "on_behalf_of", "on_behalf_of__on_behalf_of")
    own = signers.filter(user=account).first() if account is not None else None
    chosen = own or signers.filter(is_default=True).first()
    if chosen is None:
        raise ValidationError(_("This office has no signer (penandatangan) for decision letters yet. Ask the "
                                "administrator to add one; the application was not approved."), code="no_signer")
    return chosen


@transaction.atomic
def document_issue_decision(*, case: Any, actor: Actor | Any, note: str = "", passphrase: str = "") -> Document:
    """Issue the signed decision letter of the approved `case` (see the module's docstring)."""
    who = Actor.of(actor)
    agency = case.agency
    signer = signer_for(agency=agency, account=who.account)
    template = LetterTemplate.objects.filter(service_id=case.service_version.service_id).first()
    letterhead = Letterhead.objects.filter(agency=agency).first()
    pattern = pattern_for(agency)
    classification = (template.classification_code if template else "") or pattern.default_classification
    security = template.security if template else "Biasa"
    retention = template.retention if template else ""
    now = timezone.now()
    year = timezone.localtime(now).year
    number = number_format(agency=agency, classification=classification, year=year,
                           number=number_take(agency=agency, year=year))
    code = verification_code()
    verify_url = absolute_url(verification_path(code))
    chosen = backend()
    with translation.override("id"):
        title = _("Decision letter {number}").format(number=number)
        context = letter_context(case=case, letterhead=letterhead, template=template, number=number, code=code,
                                 verify_url=verify_url, signer=signer, note=note, certified=chosen.certified)
        context["security"] = security
        metadata = PdfMetadata(
            title=title, author=letterhead.office_name if letterhead else agency.name,
            subject=case.service_version.name, keywords=(classification, security),
            archive=(("klasifikasi", classification), ("keamanan", security), ("retensi", retention),
                     ("nomor", number), ("kodeVerifikasi", code)),
        )
        rendered = pdf_render(template="documents/letter_pdf.html", context=context, metadata=metadata,
                              archival=True, created=now)
        identity = SignerIdentity(name=context["signature"].name, jabatan=signer.jabatan, nip=signer.nip,
                                  nik=signer.nik, passphrase=passphrase)
        try:
            signed = chosen.sign(rendered, signer=identity, box=signature_box(rendered),
                                 reason=_("Decision on application {reference}").format(reference=case.reference),
                                 location=letterhead.place if letterhead else "")
        except SigningError as exc:
            raise ValidationError(_("The decision letter could not be signed, so the application was not "
                                    "approved: {reason}").format(reason=exc), code="signing_failed") from exc
    digest = hashlib.sha256(signed).hexdigest()
    document = Document(
        code=code, number=number, kind=DocumentKind.DECISION, case=case, agency=agency, holder=case.applicant,
        holder_initials=initials(case.applicant_name or ""), title=title, signer_name=identity.name,
        signer_jabatan=" / ".join(context["signature"].lines), backend=chosen.name, certified=chosen.certified,
        classification_code=classification, security=security, retention=retention, issued_at=now,
        sha256=digest, content=signed, size=len(signed),
    )
    document.full_clean(exclude=["content"])
    document.save()
    audit_record(actor=who, action="documents.document_issue", obj=document,
                 changes={"number": number, "sha256": digest, "case": case.reference, "backend": chosen.name,
                          "signer": signer.pk, "code": code})
    return document


@transaction.atomic
def document_revoke(*, document: Document, actor: Actor | Any, reason: str) -> Document:
    """Revoke an issued document (a wrong decision, a reissue) with its reason; the verification page says so at
    once. Only a valid document can be revoked."""
    who = Actor.of(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Please write why the document is revoked.")]}, code="required")
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.VALID:
        raise ValidationError(_("This document is no longer valid."), code="not_valid")
    locked.status = DocumentStatus.REVOKED
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = who.account
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    audit_record(actor=who, action="documents.document_revoke", obj=locked,
                 changes={"number": locked.number, "sha256": locked.sha256, "reason": reason})
    return locked


def approval_issue(*, case: Any, actor: Actor, note: str = "", **params: Any) -> None:
    """The approval hook (`simpul.cases.actions.approval_hooks`): every approval issues its decision letter."""
    document_issue_decision(case=case, actor=actor, note=note, passphrase=params.get("passphrase", ""))
