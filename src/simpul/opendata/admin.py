from django.contrib import admin

from simpul.core.admin import AuditedModelAdmin
from simpul.opendata.models import Dataset, Distribution


class DistributionInline(admin.TabularInline):
    model = Distribution
    fields = ["format", "byte_size", "checksum_sha256", "modified", "is_uploaded"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Dataset)
class DatasetAdmin(AuditedModelAdmin):
    list_display = ["slug", "title_id", "producer", "theme", "update_frequency", "last_refreshed", "is_published"]
    list_filter = ["theme", "is_published", "producer"]
    search_fields = ["slug", "title_id", "title_en"]
    readonly_fields = ["generator", "columns", "row_count", "preview", "last_refreshed"]
    exclude = ["search_text"]
    inlines = [DistributionInline]
