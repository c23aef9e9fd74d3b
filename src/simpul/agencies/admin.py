"""Agencies and memberships in the admin (platform admins)."""

from __future__ import annotations

from django.contrib import admin

from simpul.agencies.models import Agency, Membership
from simpul.core.admin import AuditedModelAdmin
from simpul.core.services import audit_record


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "is_active"]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["region"]
    autocomplete_fields = ["parent", "region"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        """Membership rows edited inline are audited too (added, changed, removed)."""
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        for membership in formset.new_objects:
            audit_record(actor=request.user, action="agencies.membership_add", obj=membership,
                         changes={"user": membership.user_id, "agency": membership.agency.code,
                                  "role": membership.role, "via": "admin"})
        for membership, fields in formset.changed_objects:
            audit_record(actor=request.user, action="agencies.membership_change", obj=membership,
                         changes={"fields": fields, "role": membership.role, "is_active": membership.is_active,
                                  "via": "admin"})
        for membership in formset.deleted_objects:
            audit_record(actor=request.user, action="agencies.membership_remove", object_type="agencies.membership",
                         object_id=str(membership.pk or ""), object_repr=str(membership)[:200],
                         changes={"user": membership.user_id, "role": membership.role, "via": "admin"})

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The code is a stable identifier other data refers to: set once.
        return ["code"] if obj is not None else []


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "agency", "role", "is_active"]
    list_filter = ["role", "is_active", "agency"]
    search_fields = ["user__email", "user__full_name", "agency__name", "agency__code"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["agency"]
