"""Reads of issued documents, with who may see what decided here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from simpul.accounts.permissions import is_mfa_verified
from simpul.agencies.selectors import user_is_member
from simpul.documents.kinds import reissuers
from simpul.documents.models import Document

# Everything but the PDF's bytes: lists and the verification page never load them.
LIST_FIELDS = ("id", "code", "number", "kind", "case_id", "agency_id", "holder_id", "holder_initials", "title",
               "signer_name", "signer_jabatan", "backend", "certified", "classification_code", "security",
               "retention", "issued_at", "sha256", "size", "status", "status_reason", "status_changed_at",
               "superseded_by_id")


def document_get_by_code(*, code: str) -> Document | None:
    """The document with this verification code (typed codes: upper case, spaces and dashes ignored)."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]
    if not cleaned:
        return None
    return (Document.objects.only(*LIST_FIELDS, "agency__name", "superseded_by__code")
            .select_related("agency", "superseded_by").filter(code=cleaned).first())


def document_get_by_number(*, number: str) -> Document | None:
    return Document.objects.select_related("agency", "case").filter(number=number).first()


def document_list_for_holder(*, user: Any) -> QuerySet[Document]:
    """A citizen's own documents, newest first ("Dokumen saya")."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    return Document.objects.only(*LIST_FIELDS, "agency__name").select_related("agency").filter(holder=user)


def document_list_for_case(*, case: Any) -> list[Document]:
    return list(Document.objects.only(*LIST_FIELDS).filter(case=case))


def document_may_revoke(*, document: Document, user: Any) -> bool:
    """Staff of the issuing office who passed their second factor may revoke its documents (and read them as the
    office): a password alone never acts as staff."""
    return (bool(getattr(user, "is_authenticated", False)) and is_mfa_verified(user)
            and user_is_member(user, document.agency_id))


def document_may_reissue(*, document: Document, user: Any) -> bool:
    """Whether the office may issue this document again from its source (see `services.document_reissue`)."""
    return document.kind in reissuers and document_may_revoke(document=document, user=user)


def document_content(*, document: Document) -> bytes:
    return bytes(Document.objects.values_list("content", flat=True).get(pk=document.pk))


def tracking_links(case: Any) -> list[tuple[str, str]]:
    """The tracking page's links to the case's issued documents (`simpul.cases.tracking.result_links`)."""
    return [(_("{title} (PDF, signed)").format(title=d.title), reverse("documents:download", kwargs={"code": d.code}))
            for d in document_list_for_case(case=case)]
