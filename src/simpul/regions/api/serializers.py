from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from simpul.regions.models import CODE_RE, Region, RegionLevel


class RegionOutputSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent"]


_NOT_A_CODE = _("Not a region code (for example 16.06 or 16.06.01).")


class RegionFilterSerializer(serializers.Serializer):
    # RegexField: the pattern is in the OpenAPI schema too
    parent = serializers.RegexField(CODE_RE, required=False, allow_blank=True, error_messages={"invalid": _NOT_A_CODE},
                                    help_text=_("Direct children of this region code."))
    ancestor = serializers.RegexField(CODE_RE, required=False, allow_blank=True,
                                      error_messages={"invalid": _NOT_A_CODE},
                                      help_text=_("Every region below this region code."))
    level = serializers.ChoiceField(choices=RegionLevel.choices, required=False, allow_blank=True,
                                    help_text=_("Only regions of this level."))
