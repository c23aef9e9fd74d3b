"""API clients and keys in the admin: platform admins only. A new key is shown once, in the admin message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simpul.api.events import EVENT_TYPES
from simpul.api.exchange.webhook_services import (
    webhook_subscription_new_secret,
    webhook_subscription_problems,
)
from simpul.api.integrations import integration_backends
from simpul.api.models import AgencyIntegration, EventDelivery, WebhookSubscription
from simpul.api.webhooks import new_secret
from simpul.clients.models import ApiCallLog, ApiClient, ApiKey
from simpul.clients.scopes import scope_choices
from simpul.clients.services import api_key_issue, api_key_revoke, api_key_rotate
from simpul.core.admin import AuditedModelAdmin, ReadOnlyAdmin
from simpul.core.services import OutboxResendError, outbox_resend


def _is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", "") == "platform_admin"))


class PlatformAdminOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("scopes"), choices=scope_choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiClient
        fields = ["name", "agency", "scopes", "allowed_agencies", "allowed_service_codes", "allowed_service_kinds",
                  "rate_limit_per_minute", "is_active", "expires_at", "contact_email", "notes"]


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(PlatformAdminOnly, AuditedModelAdmin):
    form = ApiClientForm
    list_display = ["name", "agency", "is_active", "rate_limit_per_minute", "expires_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["agency"]
    filter_horizontal = ["allowed_agencies"]
    inlines = [ApiKeyInline]
    actions = ["issue_key", "rotate_key"]

    @admin.action(description=gettext_lazy("Issue a new key (shown once)"))
    def issue_key(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            _key, secret = api_key_issue(client=client, actor=request.user)
            self._show_once(request, client, secret)

    @admin.action(description=gettext_lazy("Rotate key (old keys keep working for 24 hours)"))
    def rotate_key(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            _key, secret = api_key_rotate(client=client, overlap_hours=24, actor=request.user)
            self._show_once(request, client, secret)

    def _show_once(self, request: HttpRequest, client: ApiClient, secret: str) -> None:
        self.message_user(
            request,
            _("New key for {client}: {key} — copy it now, it will not be shown again.").format(
                client=client.name, key=secret
            ),
            messages.WARNING,
        )


@admin.register(ApiKey)
class ApiKeyAdmin(PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["prefix", "client", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["client"]
    list_filter = ["client"]
    readonly_fields = ["client", "prefix", "created_at", "created_by", "expires_at", "revoked_at", "last_used_at"]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # keys are issued from the client's page, where they are shown once

    @admin.action(description=gettext_lazy("Revoke now"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key, actor=request.user)
        self.message_user(request, _("Keys revoked."), messages.SUCCESS)


@admin.register(ApiCallLog)
class ApiCallLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "client", "method", "operation", "object_id", "status"]
    list_filter = ["status", "method"]
    list_select_related = ["client"]
    search_fields = ["=object_id", "operation"]
    date_hierarchy = "at"
    show_full_result_count = False


def _event_type_choices() -> list[tuple[str, str]]:
    return [("*", _("every event the client may receive")),
            *((code, f"{code}: {description}") for code, description in EVENT_TYPES.items())]


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("receiver URL"), max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"size": 70}))
    event_types = forms.MultipleChoiceField(label=gettext_lazy("event types"), choices=_event_type_choices,
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookSubscription
        fields = ["client", "url", "event_types", "agencies", "description", "is_active"]

    def clean(self) -> dict[str, Any]:
        """The subscription API's own checks (receiver address, event types and scopes, agencies)."""
        data = super().clean() or {}
        if "url" in data and data.get("client") is not None:
            problems = webhook_subscription_problems(
                client=data["client"], url=data["url"], event_types=data.get("event_types") or [],
                agencies=data.get("agencies") or [])
            for field, messages_ in problems.items():
                for message in messages_:
                    self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(PlatformAdminOnly, AuditedModelAdmin):
    """Subscriptions are made by clients through the API; admins may add, stop or correct them here. A new
    subscription's secret is shown once, in the admin message, like an API key."""

    form = WebhookSubscriptionForm
    list_display = ["client", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["client"]
    search_fields = ["url", "client__name"]
    filter_horizontal = ["agencies"]
    actions = ["new_secret"]

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        created = not obj.secret
        if created:
            obj.secret = new_secret()
        super().save_model(request, obj, form, change)
        if created:
            self._show_once(request, obj)

    @admin.action(description=gettext_lazy("Draw a new secret (shown once; the old one stops working)"))
    def new_secret(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset:
            webhook_subscription_new_secret(subscription=subscription, actor=request.user)
            self._show_once(request, subscription)

    def _show_once(self, request: HttpRequest, subscription: WebhookSubscription) -> None:
        self.message_user(
            request,
            _("Signing secret for {url}: {secret} — give it to the receiver now, it will not be shown again.").format(
                url=subscription.url, secret=subscription.secret),
            messages.WARNING,
        )


class AgencyIntegrationForm(forms.ModelForm):
    backend = forms.ChoiceField(label=gettext_lazy("backend"), choices=())
    endpoint_url = forms.URLField(label=gettext_lazy("endpoint URL"), max_length=500, required=False,
                                  assume_scheme="https")

    class Meta:
        model = AgencyIntegration
        fields = ["agency", "name", "backend", "endpoint_url", "secret", "event_types", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["backend"].choices = integration_backends.choices()


@admin.register(AgencyIntegration)
class AgencyIntegrationAdmin(PlatformAdminOnly, AuditedModelAdmin):
    form = AgencyIntegrationForm
    list_display = ["name", "agency", "backend", "endpoint_url", "is_active"]
    list_filter = ["backend", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["name", "endpoint_url"]
    autocomplete_fields = ["agency"]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log of every webhook subscription and agency integration, with re-send."""

    list_display = ["id", "event_type", "subject", "subscription", "integration", "delivery_status", "attempts",
                    "last_response_status", "last_attempt_at"]
    list_filter = ["event_type", "message__status"]
    list_select_related = ["message", "subscription", "subscription__client", "integration", "integration__agency"]
    search_fields = ["=subject", "=event_id"]
    actions = ["resend"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("status"))
    def delivery_status(self, obj: EventDelivery) -> str:
        return obj.message.get_status_display()

    @admin.display(description=gettext_lazy("attempts"))
    def attempts(self, obj: EventDelivery) -> int:
        return obj.message.attempts

    @admin.action(description=gettext_lazy("Re-send now"))
    def resend(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        done = 0
        for delivery in queryset:
            try:
                outbox_resend(message_id=delivery.message_id, actor=request.user)
                done += 1
            except OutboxResendError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if done:
            self.message_user(request, _("{count} deliveries queued again.").format(count=done), messages.SUCCESS)
