"""Admin of the cases app: read-only. Cases change only through the workflow (backoffice, API, services),
so the admin never bypasses the transition table, the audit log or the notifications."""

from __future__ import annotations

from django.contrib import admin

from simpul.cases.models import Case, CaseDocument, CaseEvent, Disposition
from simpul.cases.permissions import identity_masked
from simpul.core.admin import ReadOnlyAdmin
from simpul.core.models import AccessDoor
from simpul.core.services import personal_data_access_record


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_label", "action", "from_status", "to_status", "public_note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "service_code", "agency", "status", "submitted_at", "due_date", "closed_at")
    list_filter = ("status", "kind", "workflow", "channel", "agency")
    search_fields = ("reference",)
    exclude = ("pin_hash", "nik_encrypted", "nik_hash", "form_data")
    list_select_related = ("agency",)
    inlines = [CaseEventInline]

    def get_exclude(self, request, obj=None):  # type: ignore[no-untyped-def]
        """A confidential or anonymous reporter stays masked here too (`simpul.cases.permissions`)."""
        exclude = tuple(super().get_exclude(request, obj) or ())
        if obj is not None and identity_masked(obj, request.user):
            exclude += ("applicant_name", "phone", "email", "applicant", "submitted_by")
        return exclude

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        """A platform admin opening a case here reads its applicant's details: logged like the staff case page."""
        if obj is not None:
            personal_data_access_record(door=AccessDoor.CASE_VIEW, request=request, actor=request.user, case=obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnlyAdmin):
    list_display = ("case", "spec_code", "original_name", "size", "round", "is_result", "deleted_at")
    list_select_related = ("case",)


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ("case", "from_agency", "to_agency", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("case", "from_agency", "to_agency")
