"""Writes of the infrastructure registry. Each service validates (`full_clean`), saves and records an audit entry
in one transaction; alerts go out through the notifications outbox."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from simpul.core.http.urls import absolute_url
from simpul.core.services import audit_record, outbox_enqueue
from simpul.infrastructure.models import (
    Application,
    ApplicationCheck,
    ApplicationStatus,
    Link,
    Measurement,
    MeasurementSource,
    NeedStandard,
    Site,
    UpgradeOption,
)
from simpul.notifications.services import notification_send

logger = logging.getLogger(__name__)


def _changes(obj: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in fields.items():
        old = getattr(obj, name, None)
        if old != value:
            out[name] = [old, value]
    return out


M = TypeVar("M", bound=models.Model)


def _save(
    *, model: type[M], instance: M | None, fields: dict[str, Any], actor: Any, action: str,
    actor_label: str = "",
) -> M:
    obj = instance or model()
    changes = _changes(obj, fields) if instance is not None else {k: v for k, v in fields.items()}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    if changes or instance is None:
        audit_record(actor=actor, action=action, obj=obj, changes=changes, actor_label=actor_label)
    return obj


@transaction.atomic
def site_create(*, actor: Any, **fields: Any) -> Site:
    return _save(model=Site, instance=None, fields=fields, actor=actor, action="infrastructure.site_create")


@transaction.atomic
def site_update(*, actor: Any, site: Site, **fields: Any) -> Site:
    return _save(model=Site, instance=site, fields=fields, actor=actor, action="infrastructure.site_update")


@transaction.atomic
def link_create(*, actor: Any, **fields: Any) -> Link:
    return _save(model=Link, instance=None, fields=fields, actor=actor, action="infrastructure.link_create")


@transaction.atomic
def link_update(*, actor: Any, link: Link, **fields: Any) -> Link:
    return _save(model=Link, instance=link, fields=fields, actor=actor, action="infrastructure.link_update")


@transaction.atomic
def upgrade_option_create(*, actor: Any, **fields: Any) -> UpgradeOption:
    return _save(model=UpgradeOption, instance=None, fields=fields, actor=actor,
                 action="infrastructure.upgrade_option_create")


@transaction.atomic
def need_standard_set(*, actor: Any, site_kind: str, valid_from: Any, **fields: Any) -> NeedStandard:
    """Create or change the standard of a site kind from a date."""
    existing = NeedStandard.objects.filter(site_kind=site_kind, valid_from=valid_from).first()
    return _save(model=NeedStandard, instance=existing, fields={"site_kind": site_kind, "valid_from": valid_from,
                                                                **fields},
                 actor=actor, action="infrastructure.need_standard_set")


@transaction.atomic
def application_create(
    *, actor: Any, integrates_with: list[Application] | None = None, **fields: Any
) -> Application:
    app = _save(model=Application, instance=None, fields=fields, actor=actor,
                action="infrastructure.application_create")
    if integrates_with:
        app.integrates_with.set(integrates_with)
    return app


@transaction.atomic
def application_update(
    *, actor: Any, application: Application, integrates_with: list[Application] | None = None, **fields: Any
) -> Application:
    app = _save(model=Application, instance=application, fields=fields, actor=actor,
                action="infrastructure.application_update")
    if integrates_with is not None:
        app.integrates_with.set(integrates_with)
    return app


def measurement_record(
    *,
    link: Link,
    measured_at: datetime,
    source: str = MeasurementSource.MANUAL,
    probe_id: str = "",
    actor: Any = None,
    actor_label: str = "",
    download_mbps: Decimal | None = None,
    upload_mbps: Decimal | None = None,
    latency_ms: Decimal | None = None,
    loss_pct: Decimal | None = None,
    available: bool | None = None,
    http_status: int | None = None,
) -> tuple[Measurement, bool]:
    """Record one measurement; returns (measurement, created).

    With a `probe_id` the measurement is idempotent by (link, probe id, time): a replay returns the stored row
    and `created` False, even when two replays race (the unique constraint decides).
    """
    if probe_id:
        existing = Measurement.objects.filter(link=link, probe_id=probe_id, measured_at=measured_at).first()
        if existing:
            return existing, False
    m = Measurement(
        link=link, measured_at=measured_at, source=source, probe_id=probe_id, download_mbps=download_mbps,
        upload_mbps=upload_mbps, latency_ms=latency_ms, loss_pct=loss_pct, available=available,
        http_status=http_status,
    )
    m.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            m.save()
            audit_record(
                actor=actor, actor_label=actor_label, action="infrastructure.measurement_record", obj=m,
                changes={"link": link.pk, "measured_at": measured_at.isoformat(), "source": source,
                         "probe_id": probe_id},
            )
    except IntegrityError:
        existing = Measurement.objects.filter(link=link, probe_id=probe_id, measured_at=measured_at).first()
        if existing is None or not probe_id:
            raise
        return existing, False
    return m, True


# --- health checks of applications -------------------------------------------------------------------------


def http_check(url: str, *, timeout: float) -> tuple[bool, int | None, int | None, str]:
    """GET `url` once: (up, status, response ms, error). Up means a status below 500."""
    started = time.monotonic()
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "Simpul health check"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (admin-registered URL)
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, ValueError) as exc:
        return False, None, None, type(exc).__name__ + ": " + str(getattr(exc, "reason", exc))[:200]
    elapsed = int((time.monotonic() - started) * 1000)
    return status < 500, status, elapsed, ""


@transaction.atomic
def application_check_record(
    *, application: Application, ok: bool, checked_at: datetime, status_code: int | None = None,
    response_ms: int | None = None, error: str = "",
) -> ApplicationCheck:
    """Store one health-check result; track since when the application is down and alert once past its
    threshold (and again after it has recovered and gone down anew)."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    check = ApplicationCheck.objects.create(
        application=app, checked_at=checked_at, ok=ok, status_code=status_code, response_ms=response_ms,
        error=error[:300],
    )
    if ok:
        if app.down_since is not None:
            audit_record(action="infrastructure.application_recovered", obj=app, actor_label="health check",
                         changes={"down_since": app.down_since.isoformat()})
        app.down_since = None
        app.alert_sent_at = None
    else:
        if app.down_since is None:
            app.down_since = checked_at
            audit_record(action="infrastructure.application_down", obj=app, actor_label="health check",
                         changes={"error": error[:200], "status_code": status_code})
        threshold = timedelta(minutes=app.down_alert_after_minutes)
        if app.alert_sent_at is None and checked_at - app.down_since >= threshold:
            _send_down_alert(app, checked_at, status=f"HTTP {status_code}" if status_code else error[:100])
            app.alert_sent_at = checked_at
    app.save(update_fields=["down_since", "alert_sent_at", "updated_at"])
    application.down_since, application.alert_sent_at = app.down_since, app.alert_sent_at
    return check


def _send_down_alert(app: Application, at: datetime, *, status: str) -> None:
    """Alert the application's alert address (or its owner OPD) through the notifications outbox; without a
    recipient or without the notifications app, the alert goes to the log backend so it is never lost."""
    since = timezone.localtime(app.down_since).strftime("%Y-%m-%d %H:%M") if app.down_since else ""
    context = {
        "application_name": app.name, "since": since, "status": status,
        "tracking_url": absolute_url(reverse("infrastructure:applications")),
        "minutes_down": int((at - app.down_since).total_seconds() // 60) if app.down_since else 0,
    }
    to_email = app.alert_email or (app.owner_agency.email if app.owner_agency else "")
    sent: list[Any] = []
    if to_email:
        sent = list(notification_send(event="application.down_alert", to_email=to_email, context=context))
    if not sent:
        outbox_enqueue(backend="log", topic="application.down_alert", ordering_key=f"app:{app.pk}",
                       payload={"to_email": to_email, **context})
    audit_record(action="infrastructure.application_down_alert", obj=app, actor_label="health check",
                 changes={"notified": bool(sent), "minutes_down": context["minutes_down"]})


def application_checks_run(*, now: datetime | None = None) -> list[ApplicationCheck]:
    """Check every active application with health checks on; only URLs registered by admins are contacted."""
    results = []
    apps = Application.objects.filter(
        health_check_enabled=True, status=ApplicationStatus.ACTIVE
    ).exclude(health_check_url="").select_related("owner_agency")
    for app in apps:
        ok, status, ms, error = http_check(app.health_check_url, timeout=app.health_check_timeout_seconds)
        results.append(application_check_record(
            application=app, ok=ok, checked_at=now or timezone.now(), status_code=status, response_ms=ms,
            error=error,
        ))
    return results
