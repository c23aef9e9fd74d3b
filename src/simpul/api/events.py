"""Events for other systems: CloudEvents 1.0, fanned out to webhook subscriptions and agency integrations.

`publish(event_type, subject=..., data=..., agency_ids=..., ordering_key=...)` writes, **in the caller's
transaction**, one outbox message (and one `EventDelivery` row) per matching active webhook subscription and
per matching active agency integration. Nothing is sent before the caller commits; a rollback sends nothing.

Case events need no call from the cases app: every change of a case writes a `CaseEvent` row in the same
transaction, and the relay (`case_events_relay`, periodic job `api.case_events_relay`, every minute) turns
each new row into exactly one published event, in order per case. The event id is `case-event-<id>`, stable
across retries and re-sends. The agency exchange API calls `case_events_publish(case=...)` inside its own
transaction, so events of API actions are queued at once. A service that wants the same immediacy may call
`simpul.api.events.case_events_publish(case=case)` at its end; it is safe to call more than once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.agencies.models import Agency
from simpul.api.models import (
    AgencyIntegration,
    EventDelivery,
    PublishedCaseEvent,
    RelayCursor,
    WebhookSubscription,
)
from simpul.cases.constants import CaseAction, DispositionStatus
from simpul.cases.models import Case, CaseEvent
from simpul.clients.auth import client_allowed_agency_ids
from simpul.core.services import outbox_enqueue

# Event types other systems may subscribe to (code → description), with the scope a client needs for them.
EVENT_TYPES: dict[str, Any] = {
    "case.submitted": _("A case was submitted."),
    "case.status_changed": _("A case moved to another status."),
    "case.disposed": _("A case was forwarded to another agency."),
    "disposition.accepted": _("The receiving agency accepted a forwarded case."),
    "disposition.returned": _("The receiving agency returned a forwarded case."),
    "case.document_added": _("A document was added to a case."),
    "dataset.updated": _("An open dataset was updated."),
}
EVENT_SCOPES = {"case": "cases:read", "disposition": "cases:read", "dataset": ""}

RELAY_NAME = "cases"
RELAY_SAFETY = timedelta(minutes=10)
SPEC_VERSION = "1.0"


def event_source() -> str:
    return str(settings.SIMPUL_EVENT_SOURCE)


def required_scope(event_type: str) -> str:
    return EVENT_SCOPES.get(event_type.split(".", 1)[0], "")


def _attempts_for(hours: float) -> int:
    """Smallest number of attempts whose backoff waits (with the worst jitter, -10%) add up to `hours`."""
    base = settings.OUTBOX_BACKOFF_BASE_SECONDS
    cap = settings.OUTBOX_BACKOFF_MAX_SECONDS
    total, attempts = 0.0, 1
    while total < hours * 3600 and attempts < 1000:
        total += 0.9 * min(base * 2 ** (attempts - 1), cap)
        attempts += 1
    return max(attempts, settings.OUTBOX_MAX_ATTEMPTS)


def webhook_max_attempts() -> int:
    """Attempts for a webhook: enough to keep retrying for `settings.WEBHOOK_RETRY_HOURS` (default 24)."""
    return _attempts_for(float(settings.WEBHOOK_RETRY_HOURS))


def integration_max_attempts() -> int:
    """Attempts for an agency integration: `settings.INTEGRATION_RETRY_HOURS` (default 72) of retries."""
    return _attempts_for(float(settings.INTEGRATION_RETRY_HOURS))


def cloud_event(
    event_type: str, *, subject: str, data: dict[str, Any], event_id: str = "", time: datetime | None = None
) -> dict[str, Any]:
    """A CloudEvents 1.0 structured-mode JSON document."""
    return {
        "specversion": SPEC_VERSION,
        "id": event_id or str(uuid.uuid4()),
        "source": event_source(),
        "type": event_type,
        "subject": subject,
        "time": (time or timezone.now()).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": data,
    }


def _subscriptions_for(event_type: str, agency_ids: set[int]) -> list[WebhookSubscription]:
    now = timezone.now()
    candidates = (
        WebhookSubscription.objects.filter(is_active=True, client__is_active=True)
        .filter(Q(client__expires_at__isnull=True) | Q(client__expires_at__gt=now))
        .select_related("client").prefetch_related("agencies", "client__allowed_agencies")
    )
    scope = required_scope(event_type)
    chosen = []
    for subscription in candidates:
        if event_type not in subscription.event_types and "*" not in subscription.event_types:
            continue
        if scope and scope not in subscription.client.scopes:
            continue
        if agency_ids:
            wanted = {a.pk for a in subscription.agencies.all()}
            allowed = client_allowed_agency_ids(subscription.client)
            if allowed and not allowed & agency_ids:
                continue
            if wanted and not wanted & agency_ids:
                continue
        chosen.append(subscription)
    return chosen


def _integrations_for(event_type: str, agency_ids: set[int]) -> list[AgencyIntegration]:
    if not agency_ids:
        return []
    return [
        integration
        for integration in AgencyIntegration.objects.filter(is_active=True, agency_id__in=agency_ids)
        if not integration.event_types or event_type in integration.event_types
    ]


def publish(
    event_type: str,
    *,
    subject: str,
    data: dict[str, Any],
    agency_ids: Iterable[int],
    ordering_key: str,
    event_id: str = "",
    time: datetime | None = None,
) -> list[EventDelivery]:
    """Queue one event for every matching subscription and integration (see the module docstring).

    `agency_ids`: the agencies the event concerns (a subscription sees it when its client may act for one of
    them; an integration when it belongs to one of them). Empty: a public event (every subscriber of the type,
    no integration). `ordering_key` (a case reference): deliveries with the same key reach each destination in
    the order published. Returns the delivery rows created.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    agencies = {int(a) for a in agency_ids}
    event = cloud_event(event_type, subject=subject, data=data, event_id=event_id, time=time)
    rows: list[EventDelivery] = []
    with transaction.atomic():
        for subscription in _subscriptions_for(event_type, agencies):
            message = outbox_enqueue(
                backend="webhook", topic=event_type, ordering_key=f"w{subscription.pk}:{ordering_key}"[:100],
                payload={"subscription_id": subscription.pk, "event": event}, max_attempts=webhook_max_attempts(),
            )
            rows.append(EventDelivery.objects.create(
                event_id=event["id"], event_type=event_type, subject=subject[:100], subscription=subscription,
                message=message,
            ))
        for integration in _integrations_for(event_type, agencies):
            message = outbox_enqueue(
                backend="agency-integration", topic=event_type,
                ordering_key=f"i{integration.pk}:{ordering_key}"[:100],
                payload={"integration_id": integration.pk, "event": event}, max_attempts=integration_max_attempts(),
            )
            rows.append(EventDelivery.objects.create(
                event_id=event["id"], event_type=event_type, subject=subject[:100], integration=integration,
                message=message,
            ))
    return rows


# -- case events --------------------------------------------------------------------------------------------------


def case_event_type(case_event: Any) -> str | None:
    """The published type of a case history entry, or None for internal entries (notes, assignments)."""
    action = case_event.action
    if action == CaseAction.SUBMIT:
        return "case.submitted"
    if action in (CaseAction.FORWARD, CaseAction.TO_COMPLAINT_UNIT):  # to the complaint unit: handed over at once
        return "case.disposed"
    if action == CaseAction.ACCEPT_DISPOSITION:
        return "disposition.accepted"
    if action == CaseAction.RETURN_DISPOSITION:
        return "disposition.returned"
    if action == "document_added":
        return "case.document_added"
    if case_event.to_status and case_event.to_status != case_event.from_status:
        return "case.status_changed"
    return None


def case_event_data(case: Any, case_event: Any, *, agency_code: str = "") -> dict[str, Any]:
    """The event's `data`: what changed, without personal data (receivers read the case through the API).

    `agency`: the agency holding the case right after this entry (the current one when not given).
    """
    return {
        "reference": case.reference,
        "service_code": case.service_code,
        "kind": case.kind,
        "agency": agency_code or case.agency.code,
        "action": case_event.action,
        "status": case_event.to_status or case.status,
        "previous_status": case_event.from_status,
        "note": case_event.public_note,
        "details": {k: v for k, v in (case_event.data or {}).items()
                    if k in ("to_agency", "agency", "channel", "documents", "round", "spec_code")},
        "at": case_event.at.isoformat(),
        "href": f"/api/v1/agency/cases/{case.reference}/",
    }


def _cursor_id() -> int:
    return RelayCursor.objects.filter(name=RELAY_NAME).values_list("last_id", flat=True).first() or 0


def _holders(case: Any, entries: list[Any], codes_to_ids: dict[str, int]) -> dict[int, tuple[set[int], int]]:
    """For each history entry: the agencies it concerns and the agency holding the case right after it.

    The holder changes when a forwarding is accepted and when a complaint is sent to the complaint-handling unit,
    so the first holder is found by walking the history back from today's, then it is replayed forward.
    """
    accepted = iter(reversed(list(case.dispositions.filter(status=DispositionStatus.ACCEPTED)
                                  .order_by("decided_at", "id"))))
    holder = case.agency_id
    for entry in reversed(entries):
        if entry.action == CaseAction.ACCEPT_DISPOSITION:
            disposition = next(accepted, None)
            holder = disposition.from_agency_id if disposition is not None else holder
        elif entry.action == CaseAction.TO_COMPLAINT_UNIT:
            holder = codes_to_ids.get(str((entry.data or {}).get("from_agency") or ""), holder)
    out: dict[int, tuple[set[int], int]] = {}
    for entry in entries:
        concerned = {holder}
        data = entry.data or {}
        target = codes_to_ids.get(str(data.get("to_agency") or data.get("agency") or ""))
        if entry.action in (CaseAction.FORWARD, CaseAction.ACCEPT_DISPOSITION, CaseAction.RETURN_DISPOSITION,
                            CaseAction.TO_COMPLAINT_UNIT) and target is not None:
            concerned.add(target)
            if entry.action in (CaseAction.ACCEPT_DISPOSITION, CaseAction.TO_COMPLAINT_UNIT):
                holder = target
        out[entry.pk] = (concerned, holder)
    return out


@transaction.atomic
def case_events_publish(*, case: Any) -> int:
    """Publish every not yet published history entry of `case`, in order; returns how many were handled.

    Takes the case's row lock (like every case service), so two callers never publish the same entry twice
    and entries of one case are queued in their order.
    """
    locked = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
    published = PublishedCaseEvent.objects.filter(case_event_id=OuterRef("id"))
    entries = list(CaseEvent.objects.filter(case=locked).annotate(done=Exists(published)).order_by("id"))
    cursor = _cursor_id()
    pending = [e for e in entries if e.pk > cursor and not e.done]
    if not pending:
        return 0
    codes = {c for e in entries for k in ("to_agency", "agency", "from_agency")
             if isinstance(c := (e.data or {}).get(k), str)}
    codes_to_ids = dict(Agency.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
    ids_to_codes = dict(Agency.objects.filter(pk__in={locked.agency_id, *codes_to_ids.values()})
                        .values_list("pk", "code"))
    holders = _holders(locked, entries, codes_to_ids)
    for case_event in pending:
        event_type = case_event_type(case_event)
        if event_type is not None:
            concerned, holder = holders[case_event.pk]
            publish(
                event_type, subject=locked.reference,
                data=case_event_data(locked, case_event, agency_code=ids_to_codes.get(holder, "")),
                agency_ids=concerned, ordering_key=locked.reference,
                event_id=f"case-event-{case_event.pk}", time=case_event.at,
            )
        PublishedCaseEvent.objects.create(case_event_id=case_event.pk)
    return len(pending)


def case_events_relay(*, limit: int = 500) -> int:
    """Publish new case history entries of every case (the periodic job); returns how many were handled.

    Scans entries after the cursor; the cursor then moves only over entries older than `RELAY_SAFETY`, so an
    entry whose transaction commits late (up to that long) is still found on a later run.
    """
    cursor, _created = RelayCursor.objects.get_or_create(name=RELAY_NAME)
    rows = list(
        CaseEvent.objects.filter(id__gt=cursor.last_id)
        .exclude(Exists(PublishedCaseEvent.objects.filter(case_event_id=OuterRef("id"))))
        .order_by("id").values_list("id", "case_id")[:limit]
    )
    handled = 0
    for case_id in dict.fromkeys(case_id for _id, case_id in rows):
        case = Case.objects.filter(pk=case_id).first()
        if case is not None:
            handled += case_events_publish(case=case)
    horizon = timezone.now() - RELAY_SAFETY
    safe = CaseEvent.objects.filter(id__gt=cursor.last_id, at__lt=horizon)
    unpublished = safe.exclude(Exists(PublishedCaseEvent.objects.filter(case_event_id=OuterRef("id"))))
    first_gap = unpublished.order_by("id").values_list("id", flat=True).first()
    if first_gap is not None:
        new_last = first_gap - 1
    else:
        new_last = safe.order_by("-id").values_list("id", flat=True).first() or cursor.last_id
    if new_last > cursor.last_id:
        RelayCursor.objects.filter(pk=cursor.pk, last_id__lt=new_last).update(last_id=new_last)
        PublishedCaseEvent.objects.filter(case_event_id__lte=new_last).delete()
    return handled
