from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from simpul.agencies.models import Agency, AgencyKind
from simpul.regions.models import CODE_RE


class AgencyOutputSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "parent", "region", "address", "phone", "email", "website"]


class AgencyFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AgencyKind.choices, required=False, allow_blank=True,
                                   help_text=_("Only agencies of this kind."))
    region = serializers.RegexField(CODE_RE, required=False, allow_blank=True,
                                    help_text=_("Only agencies in this region or below it."))
