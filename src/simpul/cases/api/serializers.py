"""Input and output serializers of the cases API."""

from __future__ import annotations

from rest_framework import serializers


class DocumentInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=60, help_text="Document code from the service's `documents`.")
    filename = serializers.CharField(max_length=200)
    content_base64 = serializers.CharField(help_text="The file's bytes, base64-encoded (PDF, JPG or PNG).")


class CaseCreateInputSerializer(serializers.Serializer):
    service = serializers.SlugField(max_length=80, help_text="Service code, e.g. `ktp-el-penggantian`.")
    answers = serializers.DictField(help_text="Answers keyed by field name, as declared by the service's form.")
    documents = DocumentInputSerializer(many=True, required=False, default=list)
    consent = serializers.DictField(required=False, default=dict,
                                    help_text="`{\"given\": true}` when a village operator submits for a citizen.")


class CaseCreatedOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    pin = serializers.CharField(help_text="Six digits; shown only in this response (and its idempotent replays).")
    status = serializers.CharField()
    status_label = serializers.CharField()
    service = serializers.CharField()
    agency = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    tracking_url = serializers.CharField()


class CaseEventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="to_status_label")
    note = serializers.CharField(source="public_note")


class CaseStatusOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    service = serializers.CharField(source="service_code")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    history = CaseEventOutputSerializer(many=True)
