from django.contrib import admin

from simpul.core.admin import AuditedModelAdmin
from simpul.infrastructure.models import (
    Application,
    ApplicationCheck,
    Link,
    Measurement,
    NeedStandard,
    Site,
    UpgradeOption,
)


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0
    fields = ["technology", "provider", "download_mbps", "upload_mbps", "monthly_cost_idr", "status"]


@admin.register(Site)
class SiteAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "region", "agency", "staff_count", "residents_served", "is_sample"]
    list_filter = ["kind", "is_sample"]
    search_fields = ["code", "name", "region__name"]
    autocomplete_fields = ["region", "agency"]
    inlines = [LinkInline]


@admin.register(Link)
class LinkAdmin(AuditedModelAdmin):
    list_display = ["site", "technology", "provider", "download_mbps", "monthly_cost_idr", "status", "is_sample"]
    list_filter = ["technology", "status", "is_sample"]
    search_fields = ["site__name", "provider"]
    raw_id_fields = ["site"]


@admin.register(Measurement)
class MeasurementAdmin(AuditedModelAdmin):
    list_display = ["link", "measured_at", "download_mbps", "latency_ms", "available", "source", "probe_id"]
    list_filter = ["source", "available"]
    raw_id_fields = ["link"]
    date_hierarchy = "measured_at"


@admin.register(Application)
class ApplicationAdmin(AuditedModelAdmin):
    list_display = ["name", "owner_agency", "status", "health_check_enabled", "down_since", "is_sample"]
    list_filter = ["status", "health_check_enabled"]
    search_fields = ["code", "name"]
    filter_horizontal = ["integrates_with"]
    raw_id_fields = ["hosting_site"]
    readonly_fields = ["down_since", "alert_sent_at"]


@admin.register(ApplicationCheck)
class ApplicationCheckAdmin(admin.ModelAdmin):
    list_display = ["application", "checked_at", "ok", "status_code", "response_ms"]
    list_filter = ["ok"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(NeedStandard)
class NeedStandardAdmin(AuditedModelAdmin):
    list_display = ["site_kind", "valid_from", "mbps_per_staff", "mbps_per_concurrent_resident", "concurrent_share",
                    "min_mbps"]
    list_filter = ["site_kind"]


@admin.register(UpgradeOption)
class UpgradeOptionAdmin(AuditedModelAdmin):
    list_display = ["site", "technology", "resulting_mbps", "one_off_cost_idr", "monthly_cost_idr", "is_sample"]
    list_filter = ["technology", "is_sample"]
    raw_id_fields = ["site"]
