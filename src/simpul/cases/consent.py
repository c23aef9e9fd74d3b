"""The citizen's consent when a village operator applies for them at the village hall.

The operator ticks that the citizen agrees (the check page; `simpul.cases.intake` refuses an operator's case
without it), prints the consent form (A4, `consent_form_pdf`), prefilled with the application (before it is
sent: the draft; after: the case, with its reference), lets the citizen sign it and attaches a photo of the
signed paper. The photo is a case document like the others (code `CONSENT_DOCUMENT`), checked by the one upload
pipeline (`simpul.core.files`), listed for the officer with the other documents and deleted with them by the
retention (`simpul.cases.privacy.case_anonymise`). It arrives either with the application (`draft_submit`) or
later on the case (`case_consent_attach`), through the same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simpul.cases import documents as docs
from simpul.cases import history
from simpul.cases.answers import answers_in_clear, answers_reveal, field_types
from simpul.cases.constants import CONSENT_DOCUMENT, CONSENT_TYPES, CaseAction
from simpul.cases.intake import case_agency, store_documents, submission_protection
from simpul.cases.models import Case, CaseDocument, Draft
from simpul.catalog.forms_engine import FieldRole, answer_for_role
from simpul.core.actors import Actor
from simpul.core.pdf import PdfMetadata, pdf_render
from simpul.core.pdp import mask_nik
from simpul.core.services import audit_record
from simpul.regions.models import Region
from simpul.regions.national import home_kabupaten

CONSENT_SPEC: dict[str, Any] = {"code": CONSENT_DOCUMENT, "types": list(CONSENT_TYPES)}


@dataclass(frozen=True)
class ConsentFacts:
    """What the printed consent form is prefilled with (`reference` is empty before the application is sent)."""

    service: str
    office: str
    applicant_name: str
    nik_masked: str
    village: str
    operator: str
    reference: str
    day: date


def consent_facts_for_case(*, case: Case, operator: Any) -> ConsentFacts:
    """The consent form of a sent application: its reference, service, office, citizen (NIK masked), village."""
    answers = answers_in_clear(case)
    return ConsentFacts(
        service=str(case.service_version.name), office=case.agency.name, applicant_name=case.applicant_name,
        nik_masked=mask_nik(answer_for_role(case.service_version, answers, FieldRole.APPLICANT_NIK)),
        village=case.desa.name if case.desa is not None else "", operator=operator.full_name, reference=case.reference,
        day=timezone.localdate(),
    )


def consent_facts_for_draft(*, draft: Draft, operator: Any) -> ConsentFacts:
    """The consent form of an application not sent yet: its answers so far, no reference."""
    version = draft.service_version
    answers = answers_reveal(draft.answers or {})
    types = field_types(version)
    code = next((str(v) for name, v in answers.items() if types.get(name) == "region" and v), "")
    village = Region.objects.filter(code=code).values_list("name", flat=True).first() if code else None
    _identity, route_to = submission_protection(version=version, answers=answers)
    return ConsentFacts(
        service=str(version.name), office=case_agency(version, route_to).name,
        applicant_name=answer_for_role(version, answers, FieldRole.APPLICANT_NAME),
        nik_masked=mask_nik(answer_for_role(version, answers, FieldRole.APPLICANT_NIK)),
        village=village or "", operator=operator.full_name, reference="", day=timezone.localdate(),
    )


def consent_form_title(facts: ConsentFacts) -> str:
    if facts.reference:
        return _("Consent form {reference}").format(reference=facts.reference)
    return _("Consent form: {service}").format(service=facts.service)


def consent_form_pdf(*, facts: ConsentFacts, language: str | None = None) -> bytes:
    """The consent form on A4 for the citizen to sign (tagged PDF/UA-1, in the page's language)."""
    with translation.override(language or translation.get_language() or "id"):
        metadata = PdfMetadata(title=consent_form_title(facts), author=facts.office, subject=facts.service)
        return pdf_render(template="cases/consent_form_pdf.html", metadata=metadata, context={
            "facts": facts, "regency": home_kabupaten().name,
        })


def consent_photo_check(upload: Any) -> docs.CheckedFile:
    """Check the photo (or scan) of a signed consent form like any document: JPG, PNG or PDF by its content,
    size cap, images re-encoded. Raises ValidationError({"consent_photo": [...]}) naming the file."""
    try:
        return docs.document_check(upload=upload, spec=CONSENT_SPEC)
    except ValidationError as exc:
        raise ValidationError({"consent_photo": exc.messages}) from exc


def consent_documents(case: Case) -> list[CaseDocument]:
    """The photos of the signed consent form kept with the case, oldest first."""
    return list(case.documents.filter(spec_code=CONSENT_DOCUMENT, deleted_at__isnull=True).order_by("id"))


@transaction.atomic
def case_consent_attach(*, case: Case, photo: docs.CheckedFile, actor: Any) -> CaseDocument:
    """Keep the photo of the consent form the citizen signed with the case (a new document; an earlier photo
    stays in the history). Only the village operator who sent the application may attach it."""
    who = Actor.of(actor)
    if who.account is None or case.submitted_by_id is None or who.account.pk != case.submitted_by_id:
        raise PermissionDenied(_("Only the village operator who sent this application can attach its consent form."))
    checked = docs.CheckedFile(spec_code=CONSENT_DOCUMENT, original_name=photo.original_name, content=photo.content,
                               kind=photo.kind, content_type=photo.content_type, sha256=photo.sha256,
                               stored_name=photo.stored_name, stored_size=photo.stored_size)
    try:
        (document,) = store_documents(case=case, checked=[checked], round_number=case.revision_round,
                                      actor=who.account)
        history.event_record(case, action=CaseAction.ATTACH_CONSENT, actor=who, visible=False,
                             data={"document": document.pk})
        audit_record(actor=who, action="cases.case_consent_attach", obj=case,
                     changes={"document": document.pk, "sha256": document.sha256})
    except BaseException:
        # Nothing was kept: the stored file must not outlive the transaction.
        docs.document_delete(checked.stored_name)
        raise
    return document
