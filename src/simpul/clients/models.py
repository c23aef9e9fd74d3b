"""API clients (an agency's system or a partner), their keys, and the log of their calls.

These tables were created by the api app and keep its names (`api_apiclient`, ...): the models moved here, below
the domain apps, so a domain app's API can ask which client calls without importing the api app.
"""

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
        db_table = "api_apiclient"
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
        db_table = "api_apikey"
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
        db_table = "api_apicalllog"
        ordering = ["-id"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.operation} {self.status}"


class ApiClientActor(models.Model):
    """The user account an API client acts as when it works cases (made by `simpul.api.exchange.actors`).

    Case workflows decide by agency membership; a client's actor is a login-less user whose memberships are
    exactly the agencies the client may act for, so every action is checked by the same rules as staff
    actions and the case history names the client.
    """

    client = models.OneToOneField(ApiClient, on_delete=models.CASCADE, related_name="actor")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client_actor")

    class Meta:
        db_table = "api_apiclientactor"
        verbose_name = _("API client actor")
        verbose_name_plural = _("API client actors")

    def __str__(self) -> str:
        return f"{self.client} → {self.user_id}"
