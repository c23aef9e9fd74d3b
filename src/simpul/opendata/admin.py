from django.contrib import admin

from simpul.core.admin import AuditedModelAdmin
from simpul.opendata.models import Dataset, DatasetVersion, Distribution


class DistributionInline(admin.TabularInline):
    model = Distribution
    fields = ["format", "byte_size", "checksum_sha256", "modified", "is_uploaded"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class VersionInline(admin.TabularInline):
    model = DatasetVersion
    fields = ["number", "file_name", "row_count", "prepared_by", "published_by", "published_at", "replaced_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Dataset)
class DatasetAdmin(AuditedModelAdmin):
    """Publishing, replacing a file and withdrawing go through the walidata's pages (/data/kelola/), where a
    second person reviews: here they are shown, not changed."""

    list_display = ["slug", "title_id", "producer", "theme", "update_frequency", "last_refreshed", "is_published"]
    list_filter = ["theme", "is_published", "producer"]
    search_fields = ["slug", "title_id", "title_en"]
    readonly_fields = ["generator", "columns", "row_count", "preview", "last_refreshed", "is_published", "version",
                       "withdrawn_at", "withdrawn_by", "withdrawn_reason"]
    exclude = ["search_text"]
    inlines = [DistributionInline, VersionInline]

    def has_add_permission(self, request):
        return False
