"""`GET /api/v1/documents/<number>`: an issued document by its number, for another office's system (scope
`documents:read`): the once-only principle, the citizen does not carry the letter from office to office."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.clients.auth import ApiKeyAuthentication, HasScope
from simpul.documents import selectors
from simpul.documents.api.serializers import DocumentOutputSerializer
from simpul.documents.models import Document


class DocumentGetApi(GenericAPIView[Document]):
    serializer_class = DocumentOutputSerializer
    queryset = Document.objects.none()  # for the schema; the row comes from the selector
    authentication_classes = [ApiKeyAuthentication]
    permission_classes: list[Any] = [HasScope("documents:read")]

    @extend_schema(operation_id="documents_retrieve", summary="An issued document by its number (scope documents:read)",
                   tags=["documents"], responses=DocumentOutputSerializer)
    def get(self, request: Request, number: str) -> Response:
        document = selectors.document_get_by_number(number=number[:120])
        if document is None:
            raise exceptions.NotFound()
        return Response(DocumentOutputSerializer(document).data)
