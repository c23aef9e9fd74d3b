"""Writes of the agency exchange that the cases app has no service for yet: adding a document to a case.

Checked exactly like portal uploads (`simpul.cases.documents.document_check`: type sniffing, size limit,
re-encoding of images, PDF check, virus scan when configured), stored, written to the case history and the
audit log in one transaction with the case locked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from simpul.cases import documents as docs
from simpul.cases.models import Case, CaseDocument, CaseEvent
from simpul.core.actors import Actor
from simpul.core.services import audit_record

DOCUMENT_ADDED = "document_added"


@transaction.atomic
def case_document_add(
    *, case: Any, actor: Actor | Any, upload: Any, spec_code: str, filename: str = "", note: str = ""
) -> Any:
    """Add one checked document to `case`; returns the `CaseDocument`. Raises ValidationError naming the file."""
    who = Actor.of(actor)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.is_closed:
        raise ValidationError({"file": [_("A closed case cannot get new documents.")]})
    spec_code = (spec_code or "").strip() or "attachment"
    try:
        checked = docs.document_check(upload=upload, spec={"code": spec_code}, name=filename or None)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    stored = docs.document_store(checked)
    try:
        document = CaseDocument(
            case=locked, spec_code=spec_code[:60], original_name=checked.original_name[:200], stored_name=stored,
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
            round=locked.revision_round, uploaded_by=who.account,
        )
        document.full_clean()
        document.save()
        event = CaseEvent(
            case=locked, actor=who.account, actor_label=who.label[:200], action=DOCUMENT_ADDED,
            from_status=locked.status, to_status=locked.status, internal_note=note.strip(),
            visible_to_applicant=False, data={"spec_code": spec_code, "sha256": checked.sha256},
        )
        event.full_clean()
        event.save()
        locked.save(update_fields=["updated_at"])
        audit_record(actor=who, action="cases.case_document_add", obj=locked,
                     changes={"spec_code": spec_code, "sha256": checked.sha256, "size": checked.size})
    except Exception:
        docs.document_delete(stored)
        raise
    return document
