"""Writes of webhook subscriptions: create, deactivate, re-send a delivery. Audited, atomic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from simpul.api.events import EVENT_TYPES, required_scope
from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.api.webhooks import new_secret, receiver_url_problem
from simpul.clients.auth import client_allowed_agency_ids
from simpul.clients.models import ApiClient
from simpul.core.services import audit_record, outbox_resend


def webhook_subscription_problems(
    *, client: ApiClient | None, url: str, event_types: Iterable[str], agencies: Iterable[Any] = (),
) -> dict[str, list[str]]:
    """What is wrong with a subscription before it is saved, by field (empty when nothing is): the one check
    behind the subscription API and the admin form."""
    errors: dict[str, list[str]] = {}
    event_types = list(event_types)
    if not event_types:
        errors["event_types"] = [_("Choose at least one event type.")]
    scopes = client.scopes if client is not None else []
    for code in event_types:
        if code != "*" and code not in EVENT_TYPES:
            errors.setdefault("event_types", []).append(_("Unknown event type: {code}.").format(code=code))
        elif code != "*" and required_scope(code) and required_scope(code) not in scopes:
            errors.setdefault("event_types", []).append(
                _("The event type {code} needs the scope {scope}.").format(code=code, scope=required_scope(code)))
    allowed = client_allowed_agency_ids(client) if client is not None else set()
    if allowed and any(a.pk not in allowed for a in agencies):
        errors["agencies"] = [_("This API client may not act for one of these agencies.")]
    problem = receiver_url_problem(url)
    if problem:
        errors["url"] = [problem]
    return errors


@transaction.atomic
def webhook_subscription_create(
    *, client: ApiClient, url: str, event_types: Iterable[str], agencies: Iterable[Any] = (), description: str = "",
    actor: Any = None,
) -> WebhookSubscription:
    """Subscribe `client` to `event_types` at `url`; a new signing secret is drawn (shown to the client once)."""
    event_types = list(dict.fromkeys(event_types))
    agencies = list(agencies)
    errors = webhook_subscription_problems(client=client, url=url, event_types=event_types, agencies=agencies)
    if errors:
        raise ValidationError(errors)
    subscription = WebhookSubscription(client=client, url=url, event_types=event_types, secret=new_secret(),
                                       description=description)
    subscription.full_clean()
    subscription.save()
    if agencies:
        subscription.agencies.set(agencies)
    audit_record(actor=actor, actor_label="" if actor else f"api:{client.name}"[:200],
                 action="api.webhook_subscription_create", obj=subscription,
                 changes={"url": url, "event_types": event_types, "agencies": [a.code for a in agencies]})
    return subscription


@transaction.atomic
def webhook_subscription_deactivate(*, subscription: WebhookSubscription, actor: Any = None) -> WebhookSubscription:
    """Stop a subscription. Its delivery log stays; its waiting deliveries are skipped."""
    if subscription.is_active:
        subscription.is_active = False
        subscription.save(update_fields=["is_active", "updated_at"])
        audit_record(actor=actor, actor_label="" if actor else f"api:{subscription.client.name}"[:200],
                     action="api.webhook_subscription_deactivate", obj=subscription, changes={"is_active": False})
    return subscription


@transaction.atomic
def webhook_subscription_new_secret(*, subscription: WebhookSubscription, actor: Any = None) -> WebhookSubscription:
    """Draw a new signing secret (the caller shows it once); the old one stops at once."""
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    audit_record(actor=actor, action="api.webhook_subscription_new_secret", obj=subscription,
                 changes={"secret": "(new)"})
    return subscription


def event_delivery_resend(*, delivery: EventDelivery, actor: Any) -> EventDelivery:
    """Queue a dead (or waiting) delivery again; refuses one already delivered (OutboxResendError)."""
    outbox_resend(message_id=delivery.message_id, actor=actor)
    delivery.refresh_from_db()
    return delivery
