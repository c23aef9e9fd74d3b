"""Output serializers of the public catalog API (read only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from simpul.catalog.forms_engine import document_specs
from simpul.catalog.models import Audience, ServiceKind, ServiceVersion


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class ServiceFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kind = serializers.ChoiceField(choices=ServiceKind.choices, required=False)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)


class ServiceListOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="service.code")
    version = serializers.IntegerField(source="number")
    name = serializers.CharField()
    name_id = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    agency = AgencyRefSerializer()
    fee_rupiah = serializers.IntegerField()
    sla_working_days = serializers.IntegerField()
    sla_extension_days = serializers.IntegerField()
    requires_account = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj: ServiceVersion) -> str:
        request = self.context.get("request")
        path = f"/api/v1/services/{obj.service.code}/"
        return request.build_absolute_uri(path) if request is not None else path


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label_id = serializers.CharField()
    label_en = serializers.CharField(required=False)


class FieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    label_id = serializers.CharField()
    label_en = serializers.CharField(required=False)
    required = serializers.BooleanField(required=False)
    required_unless = serializers.CharField(required=False)  # required unless this other field has an answer
    choices = ChoiceSerializer(many=True, required=False)
    show_if = serializers.DictField(required=False)


class PageSerializer(serializers.Serializer):
    key = serializers.CharField()
    title_id = serializers.CharField(required=False)
    title_en = serializers.CharField(required=False)
    fields = FieldSerializer(many=True)


class FormSerializer(serializers.Serializer):
    pages = PageSerializer(many=True)


class DocumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_id = serializers.CharField()
    label_en = serializers.CharField()
    required = serializers.BooleanField()
    types = serializers.ListField(child=serializers.CharField())
    max_bytes = serializers.IntegerField()
    hint_id = serializers.CharField()
    hint_en = serializers.CharField()
    show_if = serializers.DictField(required=False)


class ServiceDetailOutputSerializer(ServiceListOutputSerializer):
    description = serializers.CharField()
    description_id = serializers.CharField()
    description_en = serializers.CharField()
    legal_basis = serializers.CharField()
    fee_note = serializers.CharField()
    published_at = serializers.DateTimeField()
    workflow = serializers.CharField()
    complaint_category = serializers.CharField()
    routing_agency = AgencyRefSerializer(allow_null=True)
    retention_days = serializers.IntegerField()
    form = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    @extend_schema_field(FormSerializer)
    def get_form(self, obj: ServiceVersion) -> dict[str, Any]:
        return {"pages": obj.pages}

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj: ServiceVersion) -> list[dict[str, Any]]:
        return document_specs(obj)
