"""Notification templates (per event, channel and language) and the messages sent from them."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.template import TemplateSyntaxError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simpul.core.models import TimeStampedModel
from simpul.notifications.events import EVENT_LABELS
from simpul.notifications.rendering import compile_template
from simpul.notifications.sms_text import sms_length


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Template(TimeStampedModel):
    """The text sent for one event on one channel in one language, in Django template syntax.

    Variables depend on the event: `reference`, `service_name`, `status`, `due_date`, `tracking_url`,
    `reason`, `agency_name`, ... Admins may edit the text; the defaults live in `reference.py`.
    """

    event = models.CharField(_("event"), max_length=100, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN)
    subject = models.CharField(pgettext_lazy("e-mail subject", "subject"), max_length=200, blank=True, help_text=_("Email only."))
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["event", "channel", "language"]
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="notifications_template_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            try:
                compile_template(getattr(self, field))
            except TemplateSyntaxError as exc:
                errors[field] = _("Template error: {error}").format(error=exc)
        if errors:
            raise ValidationError(errors)


def mask_recipient(value: str) -> str:
    """`si***@example.org`, `0812*****890`: enough to recognise, not enough to copy."""
    if "@" in value:
        local, _sep, domain = value.partition("@")
        return f"{local[:2]}***@{domain}"
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 7)}{value[-3:]}"


class Message(TimeStampedModel):
    """One notification to one recipient on one channel, delivered through the outbox and a gateway."""

    uid = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    event = models.CharField(_("event"), max_length=100, db_index=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    case_reference = models.CharField(_("case reference"), max_length=40, blank=True, db_index=True)
    subject = models.CharField(pgettext_lazy("e-mail subject", "subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    gateway = models.CharField(_("gateway"), max_length=50, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification message")
        verbose_name_plural = _("notification messages")

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_display} ({self.channel}, {self.status})"

    @property
    def event_label(self) -> str:
        """The event in the reader's words ("Complaint received"), never its code ("complaint.received")."""
        return str(EVENT_LABELS.get(self.event, self.event))

    @property
    def recipient_display(self) -> str:
        return mask_recipient(self.recipient)

    @property
    def sms_parts(self) -> int:
        """Parts an SMS or WhatsApp text takes on the network (0 for e-mail): see simpul.notifications.sms_text."""
        return 0 if self.channel == Channel.EMAIL else sms_length(self.body).parts


class MessageAttempt(models.Model):
    """The delivery log of a message: one row per attempt through a gateway."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    gateway = models.CharField(_("gateway"), max_length=50)
    ok = models.BooleanField(_("succeeded"), default=False)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.ok else 'failed'} {self.at:%Y-%m-%d %H:%M}"
