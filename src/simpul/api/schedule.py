"""Periodic jobs of the api app."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from simpul.api.events import case_events_relay as relay
from simpul.clients.models import ApiCallLog
from simpul.core.schedule import periodic

BATCH = 5000


@periodic(name="api.call_log_purge", every=timedelta(hours=6))
def call_log_purge() -> int:
    """Delete API call log rows older than `settings.API_CALL_LOG_RETENTION_DAYS`, in batches."""
    days = settings.API_CALL_LOG_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(ApiCallLog.objects.filter(at__lt=cutoff).values_list("id", flat=True)[:BATCH])
        if not ids:
            return deleted
        deleted += ApiCallLog.objects.filter(id__in=ids).delete()[0]


@periodic(name="api.case_events_relay", every=timedelta(minutes=1))
def case_events_relay() -> int:
    """Publish new case history entries as events to webhook subscriptions and agency integrations."""
    handled = 0
    while True:
        batch = relay(limit=500)
        handled += batch
        if batch < 500:
            return handled
