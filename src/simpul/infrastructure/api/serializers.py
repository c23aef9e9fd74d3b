from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from simpul.core.http.serializers import BoundedDecimalField, JsonBooleanField, StrictFieldsMixin
from simpul.infrastructure.models import MAX_MBPS, Application, Link, Measurement, Site

# Row ids are 64-bit: a larger number is refused as invalid (SQLite cannot even compare with it: a 500 before).
MAX_ID = 2**63 - 1

class SiteOutputSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id")
    agency_code = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = ["id", "code", "name", "kind", "region_code", "agency_code", "latitude", "longitude", "staff_count",
                  "residents_served", "opening_hours", "source", "is_sample"]

    def get_agency_code(self, obj: Site) -> str | None:
        return obj.agency.code if obj.agency else None


class LinkOutputSerializer(serializers.ModelSerializer):
    site_code = serializers.CharField(source="site.code")

    class Meta:
        model = Link
        fields = ["id", "site", "site_code", "technology", "provider", "download_mbps", "upload_mbps",
                  "burst_download_mbps", "burst_upload_mbps", "monthly_cost_idr", "contract_start", "contract_end",
                  "status", "source", "is_sample"]


class MeasurementOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ["id", "link", "measured_at", "download_mbps", "upload_mbps", "latency_ms", "loss_pct", "available",
                  "http_status", "source", "probe_id", "created_at"]


_MBPS = {"max_digits": 10, "decimal_places": 3, "min_value": Decimal("0"), "max_value": MAX_MBPS, "required": False,
         "allow_null": True}

# Probes came long after this: an earlier time is a clock that was never set (and older times would be shown
# with the local mean time offsets of history, which are not valid RFC 3339).
EARLIEST_MEASUREMENT = datetime(2000, 1, 1, tzinfo=UTC)


class MeasurementInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A probe's measurement. (link, probe_id, measured_at) identifies it: posting it again is harmless."""

    link = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    probe_id = serializers.CharField(max_length=100)
    measured_at = serializers.DateTimeField()
    download_mbps = BoundedDecimalField(**_MBPS)
    upload_mbps = BoundedDecimalField(**_MBPS)
    latency_ms = BoundedDecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0"),
                                     max_value=Decimal("600000"), required=False, allow_null=True)
    loss_pct = BoundedDecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0"),
                                   max_value=Decimal("100"), required=False, allow_null=True)
    available = JsonBooleanField(required=False, allow_null=True, default=None)
    http_status = serializers.IntegerField(min_value=100, max_value=599, required=False, allow_null=True)

    def validate_measured_at(self, value: datetime) -> datetime:
        if value > timezone.now() + timedelta(hours=1):
            raise serializers.ValidationError(_("The measurement time is in the future; check the probe's clock."))
        if value < EARLIEST_MEASUREMENT:
            raise serializers.ValidationError(_("The measurement time is before the year 2000; check the probe's "
                                                "clock."))
        return value


class LinkFilterSerializer(serializers.Serializer):
    region = serializers.CharField(required=False, allow_blank=True, max_length=13,
                                   help_text=gettext_lazy("Region code (and below)."))
    site = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=gettext_lazy("Site id."))


class MeasurementFilterSerializer(serializers.Serializer):
    link = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    site = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class ApplicationOutputSerializer(serializers.ModelSerializer):
    owner_agency_code = serializers.SerializerMethodField()
    integrates_with = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    hosting = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "code", "name", "purpose", "owner_agency_code", "hosting", "url", "integrates_with", "status",
                  "health_check_enabled", "down_since", "source", "is_sample"]

    def get_owner_agency_code(self, obj: Application) -> str | None:
        return obj.owner_agency.code if obj.owner_agency else None

    def get_hosting(self, obj: Application) -> str:
        return obj.hosting_site.name if obj.hosting_site else obj.hosting_note


class CoverageRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    villages = serializers.IntegerField()
    connected_villages = serializers.IntegerField()
    blank_spots = serializers.SerializerMethodField()
    sites = serializers.IntegerField()
    connected_sites = serializers.IntegerField()
    technology_mix = serializers.DictField(child=serializers.IntegerField())
    total_mbps = serializers.DecimalField(max_digits=14, decimal_places=3)
    people = serializers.IntegerField()
    kbps_per_person = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True)
    monthly_cost_idr = serializers.IntegerField()
    cost_per_mbps = serializers.IntegerField(allow_null=True)
    availability = serializers.FloatField(allow_null=True)
    is_sample = serializers.BooleanField()

    def get_blank_spots(self, obj: object) -> list[str]:
        return [r.code for r in obj.blank_spots]  # type: ignore[attr-defined]


class CoverageFilterSerializer(serializers.Serializer):
    kecamatan = serializers.CharField(required=False, max_length=13)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The period must have a length (availability over no time at all is not a number) and lie after the
        first probes (a `until` in the year 1 left no room for its 30-day default start): both were 500s."""
        since, until = attrs.get("since"), attrs.get("until")
        for field, when in (("since", since), ("until", until)):
            if when is not None and when < EARLIEST_MEASUREMENT:
                raise serializers.ValidationError({field: [_("Coverage is counted from the year 2000 on.")]})
        if since is not None and since >= (until or timezone.now()):
            field = "until" if until is not None else "since"
            raise serializers.ValidationError({field: [_("The period must end after it starts (without `until`, "
                                                         "it ends now).")]})
        return attrs
