from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from simpul.opendata.models import Dataset, Distribution


class DistributionSerializer(serializers.ModelSerializer):
    media_type = serializers.CharField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = ["format", "media_type", "byte_size", "checksum_sha256", "modified", "is_uploaded", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: Distribution) -> str:
        path = reverse("opendata:download", kwargs={"slug": obj.dataset.slug, "fmt": obj.format})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class VariableSerializer(serializers.Serializer):
    name = serializers.CharField()
    definition = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True, required=False)
    type = serializers.CharField(allow_blank=True, required=False)
    reference = serializers.CharField(allow_blank=True, required=False)


class IndicatorSerializer(serializers.Serializer):
    name = serializers.CharField()
    definition = serializers.CharField(allow_blank=True)
    formula = serializers.CharField(allow_blank=True, required=False)
    unit = serializers.CharField(allow_blank=True, required=False)
    interpretation = serializers.CharField(allow_blank=True, required=False)


class DatasetSerializer(serializers.ModelSerializer):
    producer = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Producer OPD code.")
    producer_name = serializers.CharField(source="producer.name", read_only=True)
    keywords = serializers.ListField(child=serializers.CharField())
    reference_codes = serializers.ListField(child=serializers.CharField())
    ms_keg = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                   help_text="MS-Keg (Peraturan BPS 5/2020): the statistical activity.")
    ms_var = VariableSerializer(many=True, help_text="MS-Var: every variable with its definition.")
    ms_ind = IndicatorSerializer(many=True, help_text="MS-Ind: indicators.")
    is_generated = serializers.BooleanField(read_only=True)
    columns = serializers.ListField(child=serializers.CharField(), read_only=True,
                                    help_text="Column names of the table.")
    distributions = DistributionSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "slug", "title_id", "title_en", "description_id", "description_en", "producer", "producer_name",
            "theme", "keywords", "license", "update_frequency", "temporal_start", "temporal_end", "spatial_code",
            "spatial_label", "reference_codes", "ms_keg", "ms_var", "ms_ind", "suppression_rule", "is_generated",
            "columns", "row_count", "last_refreshed", "distributions", "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj: Dataset) -> str:
        path = reverse("opendata:detail", kwargs={"slug": obj.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

