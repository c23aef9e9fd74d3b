"""Agencies and memberships in the admin (platform admins)."""

from __future__ import annotations

from django.contrib import admin

from simpul.agencies.models import Agency, Membership
from simpul.core.admin import AuditedModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "is_active", "manages_services"]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "region", "handles_complaints", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["region"]
    autocomplete_fields = ["parent", "region"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The code is a stable identifier other data refers to: set once.
        return ["code"] if obj is not None else []


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "agency", "role", "is_active", "manages_services"]
    list_filter = ["role", "is_active", "agency"]
    search_fields = ["user__email", "user__full_name", "agency__name", "agency__code"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["agency"]
