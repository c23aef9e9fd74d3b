from __future__ import annotations

import base64
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from simpul.core.http.urls import absolute_url
from simpul.documents.models import Document
from simpul.documents.selectors import document_content
from simpul.documents.services import verification_path


class DocumentOutputSerializer(serializers.ModelSerializer[Document]):
    """An issued document for another office's system: what the verification page shows, and the signed PDF."""

    agency = serializers.CharField(source="agency.code")
    case_reference = serializers.CharField(source="case.reference", allow_null=True)  # none for certificates
    verification_url = serializers.SerializerMethodField()
    pdf_base64 = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["number", "code", "kind", "title", "agency", "case_reference", "issued_at", "signer_name",
                  "signer_jabatan", "certified", "classification_code", "security", "retention", "sha256", "size",
                  "status", "status_reason", "status_changed_at", "verification_url", "pdf_base64"]

    def get_verification_url(self, obj: Document) -> str:
        return absolute_url(verification_path(obj.code))

    @extend_schema_field(serializers.CharField(help_text="The signed PDF/A file, base64-encoded."))
    def get_pdf_base64(self, obj: Document) -> Any:
        return base64.b64encode(document_content(document=obj)).decode("ascii")
