"""Admin of the core app, and `AuditedModelAdmin`, the base every app's data-changing admin subclasses.

`AuditedModelAdmin` writes an audit entry for every add, change and delete made in the Django admin
(action `admin.add` / `admin.change` / `admin.delete`, actor = the admin user), in the same transaction as the
change. Values of fields whose names look secret (NIK, PIN, password, key, secret, token) are masked.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from simpul.core.models import (
    AuditEntry,
    Holiday,
    IdempotencyRecord,
    OutboxAttempt,
    OutboxMessage,
    OutboxStatus,
    PersonalDataAccess,
    ScheduledJobRun,
)
from simpul.core.services import OutboxResendError, audit_record, outbox_resend

MASK = "***"
# Short words must be whole parts of a name (`pin`, `pin_hash`, `api_key`), so `teknik` or `keyword` stay visible;
# long words match anywhere (`password1`, `client_secret`, `access_token`).
_SECRET_PART = re.compile(r"(?:^|_)(?:nik|pin|key|keys)(?:_|$|\d)", re.IGNORECASE)
_SECRET_ANY = re.compile(r"password|passwd|secret|token", re.IGNORECASE)


def is_secret_field(name: str) -> bool:
    """Whether a field's values must never appear in the audit log."""
    return bool(_SECRET_PART.search(name) or _SECRET_ANY.search(name))


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a form/model value for the audit log."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk  # the same shape as a form's initial value of a foreign key
    if isinstance(value, QuerySet | list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def mask_changes(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Replace old/new values of secret-looking fields by `***` (the field name stays: it changed)."""
    masked = {}
    for name, change in changes.items():
        if is_secret_field(name):
            masked[name] = {key: MASK for key in change}
        else:
            masked[name] = change
    return masked


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes are written to the audit log.

    Subclass it instead of `admin.ModelAdmin` for every model an admin may change. The entry's `changes`
    maps each changed form field to `{"old": ..., "new": ...}` (`old` is None when adding), with secret
    fields masked. Bulk "delete selected" writes one entry per object.
    """

    audit_action_prefix = "admin"

    @staticmethod
    def form_changes(form: Any, *, change: bool) -> dict[str, dict[str, Any]]:
        """`{field: {"old": ..., "new": ...}}` for the fields a bound, valid form changed, secrets masked."""
        changes = {}
        for name in form.changed_data:
            old = form.initial.get(name) if change else None
            new = form.cleaned_data.get(name)
            changes[name] = {"old": _plain(old), "new": _plain(new)}
        return mask_changes(changes)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = self.form_changes(form, change=change)
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{self.audit_action_prefix}.{'change' if change else 'add'}",
            obj=obj,
            changes=changes,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows are audited too: one entry per added, changed or deleted row."""
        pending: list[tuple[str, Any, dict[str, Any]]] = []
        for inline_form in formset.forms:
            if not hasattr(inline_form, "cleaned_data"):
                continue
            instance = inline_form.instance
            if formset.can_delete and formset._should_delete_form(inline_form):
                if instance.pk is not None:
                    pending.append(("delete", instance, {"object_id": str(instance.pk), "repr": str(instance)}))
            elif inline_form.has_changed():
                adding = instance._state.adding
                pending.append(
                    ("add" if adding else "change", instance, self.form_changes(inline_form, change=not adding))
                )
        super().save_formset(request, form, formset, change)
        for verb, instance, changes in pending:
            if verb == "delete":
                audit_record(
                    actor=request.user,
                    action=f"{self.audit_action_prefix}.delete",
                    object_type=instance._meta.label_lower,
                    object_id=changes["object_id"],
                    object_repr=changes["repr"],
                )
            else:
                audit_record(
                    actor=request.user, action=f"{self.audit_action_prefix}.{verb}", obj=instance, changes=changes
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action=f"{self.audit_action_prefix}.delete", obj=obj, changes={})


def _is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", "") == "platform_admin"))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to platform admins, changed by nobody through the admin."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "seq", "created_at", "actor_label", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["=object_id", "actor_label", "object_repr"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """The access log, read-only for platform admins and auditors (who opened which case's personal data).

    Search by a case reference; `term_hash` finds the searches for a term (`simpul.core.services.search_term_hash`).
    """

    list_display = ["at", "door", "actor", "actor_label", "reference", "ip"]
    list_filter = ["door"]
    list_select_related = ["actor"]
    search_fields = ["=reference", "=term_hash"]
    readonly_fields = [field.name for field in PersonalDataAccess._meta.fields]
    date_hierarchy = "at"
    show_full_result_count = False


class OutboxAttemptInline(admin.TabularInline):
    model = OutboxAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "ok", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "backend", "topic", "ordering_key", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status", "backend", "topic"]
    search_fields = ["=ordering_key", "=id"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    inlines = [OutboxAttemptInline]
    actions = ["resend"]
    show_full_result_count = False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not _is_platform_admin(request):
            actions.pop("resend", None)
        return actions

    @admin.action(description=_("Re-send"))
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        sent = 0
        for message_id in queryset.exclude(status=OutboxStatus.DELIVERED).values_list("id", flat=True):
            try:
                outbox_resend(message_id=message_id, actor=request.user)
            except OutboxResendError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                sent += 1
        skipped = queryset.filter(status=OutboxStatus.DELIVERED).count()
        if sent:
            self.message_user(
                request,
                ngettext("%(n)d message queued again.", "%(n)d messages queued again.", sent) % {"n": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d message was already delivered and was not sent again.",
                    "%(n)d messages were already delivered and were not sent again.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ["scope", "key", "state", "response_status", "created_at", "expires_at"]
    list_filter = ["state"]
    search_fields = ["=key", "=scope"]
    readonly_fields = [field.name for field in IdempotencyRecord._meta.fields]
    show_full_result_count = False


@admin.register(ScheduledJobRun)
class ScheduledJobRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_status", "last_run_at", "last_finished_at"]
    readonly_fields = [field.name for field in ScheduledJobRun._meta.fields]


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    """Cuti bersama and local holidays; national public holidays come from the `holidays` library."""

    list_display = ["date", "name", "kind", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

