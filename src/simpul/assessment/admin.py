"""Admin: frameworks are read-only here (they change only through validated files); rounds and actions are
editable with every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from simpul.assessment.models import Framework, Recommendation, Round
from simpul.core.admin import AuditedModelAdmin


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "status", "verified"]
    list_filter = ["status", "verified"]
    readonly_fields = [f.name for f in Framework._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(AuditedModelAdmin):
    list_display = ["name", "year", "framework", "status", "stage"]
    list_filter = ["status", "stage", "year"]
    readonly_fields = ["framework", "status", "stage", "published_at", "public_slug"]
    search_fields = ["name"]


@admin.register(Recommendation)
class RecommendationAdmin(AuditedModelAdmin):
    list_display = ["title", "round", "source", "owner", "due_date", "status"]
    list_filter = ["status", "source"]
    search_fields = ["title"]
    raw_id_fields = ["round", "finding", "item", "carried_from"]
