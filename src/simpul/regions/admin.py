"""Regions in the admin: read-mostly (the table comes from `simpul regions import`); names may be corrected."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from simpul.core.admin import AuditedModelAdmin
from simpul.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["code", "level", "kind", "parent", "source"]
    fields = ["code", "name", "level", "kind", "parent", "bps_code", "source"]
    show_full_result_count = False

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
