from __future__ import annotations

from rest_framework import serializers


class FrameworkOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()
    source = serializers.CharField()
    status = serializers.CharField()
    verified = serializers.BooleanField()
    item_count = serializers.IntegerField(required=False)


class ItemOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    section = serializers.CharField(source="section.code")
    kind = serializers.CharField()
    weight = serializers.DecimalField(max_digits=8, decimal_places=3, allow_null=True)
    scale = serializers.CharField(source="scale.code", allow_null=True, default=None)


class FrameworkDetailSerializer(FrameworkOutputSerializer):
    predicate_bands = serializers.JSONField()
    scales = serializers.JSONField(source="definition.scales")
    sections = serializers.JSONField(source="definition.sections")


class RoundOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    framework = serializers.CharField(source="framework.slug")
    scope = serializers.CharField(source="scope_label")
    status = serializers.CharField()
    stage = serializers.CharField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)


class SectionScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    weight = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class IpaRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    n = serializers.IntegerField()
    importance = serializers.FloatField()
    performance = serializers.FloatField()
    quadrant = serializers.CharField()
    tk = serializers.FloatField()
    gap = serializers.FloatField()
    weighted_gap = serializers.FloatField()
    wilcoxon_p = serializers.FloatField(allow_null=True)


class ItemSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    n = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True)
    iqr = serializers.FloatField(allow_null=True)
    top2 = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    distribution = serializers.DictField(child=serializers.IntegerField())
    level_mean = serializers.FloatField(allow_null=True)


class RoundResultsSerializer(serializers.Serializer):
    round = RoundOutputSerializer()
    responses = serializers.IntegerField()
    index = serializers.FloatField(allow_null=True)
    predicate = serializers.CharField()
    sections = SectionScoreSerializer(many=True)
    ipa_crosshair = serializers.DictField(allow_null=True)
    ipa = IpaRowSerializer(many=True)
    items = ItemSummarySerializer(many=True)
