"""Input and output serializers of the chunked-upload API (simpul.portal.uploads)."""

from __future__ import annotations

import base64
import binascii

from rest_framework import serializers

from simpul.core.http.serializers import BASE64_PATTERN, JsonTypesMixin
from simpul.portal.uploads import CHUNK_SIZE, HEAD_BYTES, MAX_BYTES, SHA256_PATTERN

HEAD_BASE64 = 4 * -(-HEAD_BYTES // 3)


class UploadCreateInputSerializer(JsonTypesMixin, serializers.Serializer):
    filename = serializers.CharField(trim_whitespace=False,
                                     help_text="The file's name; cut to 200 characters.")
    size = serializers.IntegerField(min_value=1, max_value=MAX_BYTES,
                                    help_text=f"The whole file's size in bytes, at most {MAX_BYTES}.")
    sha256 = serializers.RegexField(SHA256_PATTERN, help_text="The whole file's SHA-256, in hex.")
    draft = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                  help_text="The token of the application draft the document is for. With "
                                  "`document`, the file is checked before any part is sent: its size against "
                                  "the document's limit and, with `head`, its type (400 `document_refused`).")
    document = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                     help_text="The document's code in the service's `documents`, e.g. `kk`.")
    head = serializers.RegexField(BASE64_PATTERN, required=False, max_length=HEAD_BASE64,
                                 help_text=f"The file's first bytes (at most {HEAD_BYTES}; all of a smaller file), "
                                 "in base64: its type is told from them.")

    def validate_head(self, value: str) -> bytes:
        try:
            head = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Not base64.") from None
        if not head or len(head) > HEAD_BYTES:
            raise serializers.ValidationError(f"Give 1 to {HEAD_BYTES} bytes.")
        return head


class UploadCreatedOutputSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The upload's id: a random capability, the only key to the upload.")
    chunk_size = serializers.IntegerField(help_text=f"Bytes in every part but the last ({CHUNK_SIZE}).")
    chunks = serializers.IntegerField(help_text="How many parts to send, numbered from 0.")


class UploadStatusOutputSerializer(serializers.Serializer):
    received = serializers.ListField(child=serializers.IntegerField(), help_text="Parts that arrived whole.")
    missing = serializers.ListField(child=serializers.IntegerField(), help_text="Parts still to send.")
    chunks = serializers.IntegerField()
    chunk_size = serializers.IntegerField()


class UploadFinalizeInputSerializer(JsonTypesMixin, serializers.Serializer):
    sha256 = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                   help_text="The whole file's SHA-256 again; when given, it must be the one the "
                                   "upload was opened with.")
    draft = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                  help_text="The token of the application draft the document belongs to.")
    document = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                     help_text="The document's code in the service's `documents`, e.g. `kk`.")


class UploadFinalizedOutputSerializer(serializers.Serializer):
    document = serializers.CharField()
    filename = serializers.CharField()
