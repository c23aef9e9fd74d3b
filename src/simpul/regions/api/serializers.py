from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from simpul.regions.models import CODE_RE, Region, RegionLevel


class RegionOutputSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent"]


def _validate_code(value: str) -> str:
    if value and not CODE_RE.match(value):
        raise serializers.ValidationError(_("Not a region code (for example 16.06 or 16.06.01)."))
    return value


class RegionFilterSerializer(serializers.Serializer):
    parent = serializers.CharField(required=False, allow_blank=True, validators=[_validate_code],
                                   help_text=_("Direct children of this region code."))
    ancestor = serializers.CharField(required=False, allow_blank=True, validators=[_validate_code],
                                     help_text=_("Every region below this region code."))
    level = serializers.ChoiceField(choices=RegionLevel.choices, required=False, allow_blank=True,
                                    help_text=_("Only regions of this level."))
