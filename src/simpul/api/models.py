"""What the api app sends to other systems: webhook subscriptions, agency integrations, their deliveries and
the case-event relay's bookkeeping. The API clients themselves are `simpul.clients.models`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.clients.models import ApiClient
from simpul.core.models import TimeStampedModel


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
