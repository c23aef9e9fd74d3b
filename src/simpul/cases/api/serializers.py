"""Input and output serializers of the cases API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from simpul.core.http.serializers import JsonTypesMixin


class _AsciiFastSurrogateValidator(ProhibitSurrogateCharactersValidator):
    """DRF's check, which walks the string one character at a time in Python (~15 ms for a 200 KB document in
    base64); an ASCII string (every valid base64 text) holds no surrogate, and `str.isascii` says so in C."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and value.isascii():
            return
        super().__call__(value)


class Base64TextField(serializers.CharField):
    """A CharField for long base64 text: the same validation, with the surrogate check made cheap."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [_AsciiFastSurrogateValidator() if isinstance(v, ProhibitSurrogateCharactersValidator)
                           else v for v in self.validators]


class DocumentInputSerializer(JsonTypesMixin, serializers.Serializer):
    code = serializers.CharField(max_length=60, help_text="Document code from the service's `documents`.")
    filename = serializers.CharField(max_length=200)
    content_base64 = Base64TextField(help_text="The file's bytes, base64-encoded (PDF, JPG or PNG).")


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*$"}]})
class CoordinateField(serializers.CharField):
    """Decimal degrees as a JSON number or a string of one (the point itself is checked by intake.Point)."""


class LocationInputSerializer(serializers.Serializer):
    latitude = CoordinateField(max_length=40, help_text="WGS 84 decimal degrees, -90 to 90, e.g. -2.8833.")
    longitude = CoordinateField(max_length=40, help_text="WGS 84 decimal degrees, -180 to 180, e.g. 103.85.")


class CaseCreateInputSerializer(JsonTypesMixin, serializers.Serializer):
    service = serializers.SlugField(max_length=80, help_text="Service code, e.g. `ktp-el-penggantian`.")
    answers = serializers.DictField(help_text="Answers keyed by field name, as declared by the service's form.")
    location = LocationInputSerializer(
        required=False, help_text="Where it is, as a point: with it the village (a region answer) may be left "
                                  "out, and the office sets it.")
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
