"""API clients (an agency's system or a partner), their keys, and the log of their calls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.models import TimeStampedModel
from simpul.core.text import NameField


class ApiClient(TimeStampedModel):
    """A system that calls the API: scopes say what it may do, restrictions say for whom.

    `allowed_agencies` (plus `agency`, when set) limits the agencies it may act for; both empty = any agency.
    `allowed_service_codes` / `allowed_service_kinds` (catalog service codes and kinds such as `pengaduan`)
    limit the services; empty = any service.
    """

    name = NameField(_("name"), max_length=200, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="api_clients",
        verbose_name=_("agency"),
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    allowed_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("may also act for agencies")
    )
    allowed_service_codes = models.JSONField(_("allowed service codes"), default=list, blank=True)
    allowed_service_kinds = models.JSONField(_("allowed service kinds"), default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("rate limit per minute"), default=120)
    is_active = models.BooleanField(_("active"), default=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.is_active and (self.expires_at is None or self.expires_at > timezone.now())


class ApiKey(models.Model):
    """One secret key of a client. Only a keyed hash (HMAC-SHA256) is stored; the key is shown once."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys", verbose_name=_("client"))
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    secret_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.client_id})"

    def is_valid_at(self, when: object = None) -> bool:
        now = when or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiCallLog(models.Model):
    """One authenticated API call: who, which operation, on what, with which result. One INSERT per call."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls", verbose_name=_("client"))
    key_prefix = models.CharField(_("key prefix"), max_length=8, blank=True)
    method = models.CharField(_("method"), max_length=10)
    operation = models.CharField(_("operation"), max_length=200)
    object_id = models.CharField(_("object"), max_length=200, blank=True)
    status = models.PositiveSmallIntegerField(_("result status"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.operation} {self.status}"


class ApiClientActor(models.Model):
    """The user account an API client acts as when it works cases (see `simpul.api.exchange.actors`).

    Case workflows decide by agency membership; a client's actor is a login-less user whose memberships are
    exactly the agencies the client may act for, so every action is checked by the same rules as staff
    actions and the case history names the client.
    """

    client = models.OneToOneField(ApiClient, on_delete=models.CASCADE, related_name="actor")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client_actor")

    class Meta:
        verbose_name = _("API client actor")
        verbose_name_plural = _("API client actors")

    def __str__(self) -> str:
        return f"{self.client} → {self.user_id}"


class WebhookSubscription(TimeStampedModel):
    """A client's wish to receive events of some types at a URL, signed with the subscription's secret."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="webhook_subscriptions", verbose_name=_("client")
    )
    url = models.URLField(_("receiver URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100)
    agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("only events of these agencies"),
        help_text=_("Empty: every agency the client may act for."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"


class AgencyIntegration(TimeStampedModel):
    """An outside system of an agency that receives the agency's case events (store-and-forward)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="integrations", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=200)
    backend = models.CharField(_("backend"), max_length=50, default="log")
    endpoint_url = models.URLField(_("endpoint URL"), max_length=500, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100, blank=True)
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("Empty: every case event type.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("agency integration")
        verbose_name_plural = _("agency integrations")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class EventDelivery(models.Model):
    """One event for one destination (a webhook subscription or an agency integration): its outbox message.

    The outbox message holds the attempts, the status and the receipt; this row ties it to its destination
    so each destination has its own delivery log, and records the last HTTP answer.
    """

    event_id = models.CharField(_("event id"), max_length=100)
    event_type = models.CharField(_("event type"), max_length=60)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    subscription = models.ForeignKey(
        WebhookSubscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("webhook subscription"),
    )
    integration = models.ForeignKey(
        AgencyIntegration, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("agency integration"),
    )
    message = models.OneToOneField(
        "core.OutboxMessage", on_delete=models.CASCADE, related_name="event_delivery", verbose_name=_("message")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_response_status = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event_id", "subscription"], name="api_delivery_event_subscription_uniq",
                                    condition=models.Q(subscription__isnull=False)),
            models.UniqueConstraint(fields=["event_id", "integration"], name="api_delivery_event_integration_uniq",
                                    condition=models.Q(integration__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class PublishedCaseEvent(models.Model):
    """Marks a case history entry as published (so the relay publishes each entry once)."""

    case_event_id = models.BigIntegerField(_("case event"), unique=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("published case event")
        verbose_name_plural = _("published case events")

    def __str__(self) -> str:
        return str(self.case_event_id)


class RelayCursor(models.Model):
    """How far the case-event relay has looked: every case event with an id up to `last_id` is published."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_id = models.BigIntegerField(_("last id"), default=0)

    class Meta:
        verbose_name = _("relay cursor")
        verbose_name_plural = _("relay cursors")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
