"""Notification templates (editable by platform admins) and the message log (read-only, recipients masked)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from simpul.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from simpul.notifications.models import Message, MessageAttempt, Template


@admin.register(Template)
class TemplateAdmin(AuditedModelAdmin):
    list_display = ["event", "channel", "language", "subject", "is_active", "updated_at"]
    list_filter = ["channel", "language", "is_active", "event"]
    search_fields = ["event", "subject", "body"]
    fields = ["event", "channel", "language", "subject", "body", "is_active"]


class MessageAttemptInline(admin.TabularInline):
    model = MessageAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "gateway", "ok", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "channel", "masked_recipient", "case_reference", "status", "attempts"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["=case_reference"]
    fields = ["uid", "event", "channel", "language", "masked_recipient", "case_reference", "subject", "body",
              "status", "gateway", "provider_id", "attempts", "sent_at", "last_error", "created_at"]
    readonly_fields = fields
    inlines = [MessageAttemptInline]
    show_full_result_count = False

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: Message) -> str:
        return obj.recipient_display
