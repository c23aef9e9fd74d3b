"""Writes of issued documents: numbering, issuing (one path, `document_issue`, for every kind: decision letters,
signed receipts, certificates), reissuing, revoking.

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
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simpul.cases.receipts import receipt_context, receipt_wording
from simpul.core.actors import Actor
from simpul.core.http.urls import absolute_url
from simpul.core.pdf import PdfMetadata, pdf_render
from simpul.core.services import audit_record
from simpul.documents.kinds import reissuers
from simpul.documents.letters import decision_context, initials, issue_context, signature_box
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
def document_issue(
    *, kind: str, agency: Any, actor: Actor | Any, title: str, subject: str, template: str,
    context: dict[str, Any], reason: str, holder: Any = None, holder_name: str = "", case: Any = None,
    number: str | None = None, classification: str = "", security: str = "Biasa", retention: str = "",
    note: str = "", passphrase: str = "", replaces: Document | None = None, failure: str = "",
) -> Document:
    """Issue one signed document of `agency`: the one way every kind is issued (decision letters, receipts,
    certificates).

    `template` is rendered (in Indonesian, as PDF/A-3 with the archive metadata) with `context` plus what every
    issued document prints: the letterhead and logo, `number` (the office's next number in its pattern when
    None), the verification `code`, `verify_url` and its QR code, the `signature` lines of the signer chosen by
    `signer_for`, `certified`, `security` and the anchor the visible signature is stamped on. `title` may hold
    `{number}`. Signing failure raises a translated `ValidationError` and the caller's transaction rolls back:
    no number is used and nothing is stored. `replaces` is a document this one supersedes (see
    `document_reissue`); `failure` the officer's sentence when signing fails, with `{reason}`."""
    who = Actor.of(actor)
    signer = signer_for(agency=agency, account=who.account)
    letterhead = Letterhead.objects.filter(agency=agency).first()
    classification = classification or pattern_for(agency).default_classification
    now = timezone.now()
    year = timezone.localtime(now).year
    if number is None:
        number = number_format(agency=agency, classification=classification, year=year,
                               number=number_take(agency=agency, year=year))
    code = verification_code()
    verify_url = absolute_url(verification_path(code))
    chosen = backend()
    with translation.override("id"):
        title = str(title).format(number=number)
        full_context = {**context, **issue_context(
            agency=agency, letterhead=letterhead, number=number, code=code, verify_url=verify_url, signer=signer,
            certified=chosen.certified), "security": security, "replaces": replaces}
        metadata = PdfMetadata(
            title=title, author=letterhead.office_name if letterhead else agency.name, subject=subject,
            keywords=(classification, security),
            archive=(("klasifikasi", classification), ("keamanan", security), ("retensi", retention),
                     ("nomor", number), ("kodeVerifikasi", code)),
        )
        rendered = pdf_render(template=template, context=full_context, metadata=metadata, archival=True,
                              created=now)
        lines = full_context["signature"]
        identity = SignerIdentity(name=lines.name, jabatan=signer.jabatan, nip=signer.nip, nik=signer.nik,
                                  passphrase=passphrase)
        try:
            signed = chosen.sign(rendered, signer=identity, box=signature_box(rendered), reason=reason,
                                 location=letterhead.place if letterhead else "")
        except SigningError as exc:
            failure = failure or _("The document could not be signed, so nothing was issued: {reason}")
            raise ValidationError(str(failure).format(reason=exc), code="signing_failed") from exc
    digest = hashlib.sha256(signed).hexdigest()
    document = Document(
        code=code, number=number, kind=kind, case=case, agency=agency, holder=holder,
        holder_initials=initials(holder_name or ""), title=title, signer_name=identity.name,
        signer_jabatan=" / ".join(lines.lines), backend=chosen.name, certified=chosen.certified,
        classification_code=classification, security=security, retention=retention, issued_at=now, note=note,
        sha256=digest, content=signed, size=len(signed),
    )
    document.full_clean(exclude=["content"])
    document.save()
    audit_record(actor=who, action="documents.document_issue", obj=document,
                 changes={"kind": kind, "number": number, "sha256": digest,
                          "case": case.reference if case is not None else "", "backend": chosen.name,
                          "signer": signer.pk, "code": code,
                          "replaces": replaces.number if replaces is not None else ""})
    return document


def document_issue_decision(*, case: Any, actor: Actor | Any, note: str = "", passphrase: str = "",
                            replaces: Document | None = None, failure: str = "") -> Document:
    """Issue the signed decision letter of the approved `case` (see the module's docstring)."""
    template = LetterTemplate.objects.filter(service_id=case.service_version.service_id).first()
    with translation.override("id"):
        return document_issue(
            kind=DocumentKind.DECISION, agency=case.agency, actor=actor, case=case, holder=case.applicant,
            holder_name=case.applicant_name or "", title=_("Decision letter {number}"),
            subject=case.service_version.name, template="documents/letter_pdf.html",
            context=decision_context(case=case, template=template, note=note),
            reason=_("Decision on application {reference}").format(reference=case.reference),
            classification=template.classification_code if template else "",
            security=template.security if template else "Biasa",
            retention=template.retention if template else "", note=note, passphrase=passphrase,
            replaces=replaces, failure=failure or _("The decision letter could not be signed, so the application "
                                                    "was not approved: {reason}"),
        )


def document_issue_receipt(*, case: Any, actor: Actor | Any, tracking_url: str,
                           replaces: Document | None = None) -> Document:
    """The case's signed receipt (for services that sign receipts): issued once, on first request, and the same
    document every time after. It never holds the PIN (the document is meant to be shown to others). Its number
    is the case's reference with "/TT": a receipt takes no number from the office's letter sequence."""
    if replaces is None:
        existing = Document.objects.filter(case=case, kind=DocumentKind.RECEIPT,
                                           status=DocumentStatus.VALID).first()
        if existing is not None:
            return existing
    wording = receipt_wording(case)
    issued = Document.objects.filter(case=case, kind=DocumentKind.RECEIPT).count()
    number = f"{case.reference}/TT" + (f"/{issued + 1}" if issued else "")
    with translation.override("id"):
        try:
            with transaction.atomic():
                return document_issue(
                    kind=DocumentKind.RECEIPT, agency=case.agency, actor=actor, case=case, holder=case.applicant,
                    holder_name=case.applicant_name or "", title=f"{wording.title} {{number}}",
                    subject=case.service_version.name, template="documents/receipt_pdf.html",
                    context=receipt_context(case=case, tracking_url=tracking_url),
                    reason=str(wording.title), number=number, replaces=replaces,
                )
        except IntegrityError:
            # two first downloads at once: the other one issued it
            return Document.objects.get(case=case, kind=DocumentKind.RECEIPT, status=DocumentStatus.VALID)


def receipt_signed(*, case: Any, actor: Any, tracking_url: str) -> bytes | None:
    """The signed receipt's bytes (`simpul.cases.receipts.signed_receipts`), issued on the first request. None
    once the office revoked the case's receipt without issuing another: the download is then the unsigned one,
    and nothing is issued again behind the office's back."""
    latest = Document.objects.filter(case=case, kind=DocumentKind.RECEIPT).order_by("-issued_at").first()
    if latest is not None and latest.status == DocumentStatus.REVOKED:
        return None
    document = document_issue_receipt(case=case, actor=actor or Actor.system(), tracking_url=tracking_url)
    return bytes(Document.objects.values_list("content", flat=True).get(pk=document.pk))


def _reissue_decision(document: Document, actor: Actor, passphrase: str) -> Document:
    return document_issue_decision(case=document.case, actor=actor, note=document.note, passphrase=passphrase,
                                   replaces=document, failure=_("The document could not be signed, so nothing was "
                                                                "issued: {reason}"))


def _reissue_receipt(document: Document, actor: Actor, passphrase: str) -> Document:
    from_case: Any = document.case  # a receipt is always a case's
    tracking_url = absolute_url(reverse("cases:track") + "?ref=" + from_case.reference)
    return document_issue_receipt(case=from_case, actor=actor, tracking_url=tracking_url, replaces=document)


reissuers.register(_reissue_decision, name=DocumentKind.DECISION)
reissuers.register(_reissue_receipt, name=DocumentKind.RECEIPT)


@transaction.atomic
def document_reissue(*, document: Document, actor: Actor | Any, reason: str, passphrase: str = "") -> Document:
    """Issue `document` again from its source as it is now (a corrected name, say), with a new number and code;
    the old one becomes "superseded" with the reason and a pointer to the new one, which says whom it replaces.
    Both in one transaction: if signing fails, the old document stays valid and no new one exists."""
    who = Actor.of(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Please write why the document is issued again.")]}, code="required")
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.VALID:
        raise ValidationError(_("This document is no longer valid."), code="not_valid")
    if locked.kind not in reissuers:
        raise ValidationError(_("This kind of document cannot be issued again here."), code="not_reissuable")
    locked.status = DocumentStatus.SUPERSEDED
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = who.account
    # the old one leaves the valid state first: a case has one valid receipt at a time
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    new: Document = reissuers.get(locked.kind)(locked, who, passphrase)
    locked.superseded_by = new
    locked.save(update_fields=["superseded_by"])
    audit_record(actor=who, action="documents.document_reissue", obj=locked,
                 changes={"number": locked.number, "new_number": new.number, "reason": reason})
    return new


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
