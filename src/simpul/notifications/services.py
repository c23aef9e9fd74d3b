"""Writes of the notifications app: render a notification for each available channel and queue it."""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from simpul.core.http.urls import absolute_url
from simpul.core.models import OutboxMessage
from simpul.core.services import outbox_enqueue
from simpul.notifications.models import Channel, Language, Message, MessageAttempt, Template
from simpul.notifications.reference import (
    CONTEXT_ALIASES,
    CONTEXT_DISPLAY_OVERRIDES,
    DATE_VARIABLES,
    default_template,
)
from simpul.notifications.rendering import render_text
from simpul.notifications.sms_text import ELLIPSIS, fit_sms, sms_length
from simpul.regions.national import home_kabupaten

logger = logging.getLogger(__name__)


# The outbox backends of this app (simpul.notifications.outbox): "notification" delivers one rendered message,
# "notification.render" renders an event's messages in the worker and queues them.
BACKEND_NAME = "notification"
RENDER_BACKEND_NAME = "notification.render"


def _phone_channels() -> list[str]:
    channels = settings.NOTIFICATION_PHONE_CHANNELS
    return [c for c in channels if c in (Channel.SMS, Channel.WHATSAPP)]


def _template_texts(event: str, channel: str, language: str) -> tuple[str, str] | None:
    """(subject, body): the admin's template in this language, else the built-in default, else Indonesian."""
    rows = {
        t.language: t
        for t in Template.objects.filter(event=event, channel=channel, is_active=True, language__in=[language, "id"])
    }
    if language in rows:
        return rows[language].subject, rows[language].body
    builtin = default_template(event, channel, language)
    if builtin is not None:
        return builtin
    if "id" in rows:
        return rows["id"].subject, rows["id"].body
    return None

def _normalise_context(context: dict[str, Any]) -> dict[str, Any]:
    """Accept the aliases of `reference.CONTEXT_ALIASES`, prefer display labels, and parse ISO dates."""
    ctx = dict(context)
    for name, alternatives in CONTEXT_ALIASES.items():
        if ctx.get(name) in (None, ""):
            for alternative in alternatives:
                if ctx.get(alternative) not in (None, ""):
                    ctx[name] = ctx[alternative]
                    break
    for name, display in CONTEXT_DISPLAY_OVERRIDES.items():
        if ctx.get(display) not in (None, ""):
            ctx[name] = ctx[display]
    for name in DATE_VARIABLES:
        value = ctx.get(name)
        if isinstance(value, str) and len(value) == 10:
            with contextlib.suppress(ValueError):
                ctx[name] = date.fromisoformat(value)
    return ctx


def _default_context(language: str) -> dict[str, Any]:
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return {
        "site_name": f"Simpul {home_kabupaten().name}",
        "tracking_url": absolute_url(f"{prefix}/lacak/"),
    }


# The free text an SMS may shorten, in this order, when the whole message needs more parts than allowed.
SHORTENABLE = ("reason", "service_name", "agency_name", "round_name", "application_name")


def _fitted_sms(source: str, context: dict[str, Any], *, language: str) -> str:
    """The SMS/WhatsApp text of a template: spaces tidied, and within `settings.SMS_MAX_PARTS` parts by cutting
    the officer's note (then long names) at a word boundary, never the reference or the link."""
    limit = settings.SMS_MAX_PARTS
    text = fit_sms(render_text(source, context, language=language), max_parts=10**6)
    if sms_length(text).parts <= limit:
        return text
    shortened = dict(context)
    for key in SHORTENABLE:
        words = str(shortened.get(key) or "").split()
        while words:
            words.pop()
            shortened[key] = (" ".join(words).rstrip(",;:.-") + ELLIPSIS) if words else ""
            text = fit_sms(render_text(source, shortened, language=language), max_parts=10**6)
            if sms_length(text).parts <= limit:
                return text
    return fit_sms(text, max_parts=limit)


@transaction.atomic(savepoint=False)
def notification_send(
    *,
    event: str,
    to_email: str = "",
    to_phone: str = "",
    language: str = "id",
    context: dict[str, Any],
    case_reference: str = "",
) -> list[Message]:
    """Render `event` for each channel with a recipient and a template, and queue one message per channel.

    Email goes to `to_email`; `to_phone` gets the channels in `settings.NOTIFICATION_PHONE_CHANNELS` (SMS by
    default). Each message is an outbox row (backend "notification") in the caller's transaction, delivered
    after commit; messages of one case and channel are delivered in order. Returns the queued messages
    (empty when there is no recipient or no template for the event). `reference.EVENT_VARIABLES` lists the
    context of each event; `service`, `agency`, `note` and `status_label` are accepted as aliases, and an ISO
    date string in `due_date` is formatted for the language.
    """
    if language not in Language.values:
        language = Language.INDONESIAN
    recipients: list[tuple[str, str]] = []
    if to_email:
        recipients.append((Channel.EMAIL, to_email.strip()))
    if to_phone:
        recipients.extend((channel, to_phone.strip()) for channel in _phone_channels())
    full_context = {**_default_context(language), "reference": case_reference, **_normalise_context(context)}
    messages: list[Message] = []
    for channel, recipient in recipients:
        texts = _template_texts(event, channel, language)
        if texts is None:
            logger.warning("no %s template for notification event %s", channel, event)
            continue
        subject, body = texts
        if channel == Channel.EMAIL:
            text = render_text(body, full_context, language=language)
        else:
            text = _fitted_sms(body, full_context, language=language)
        message = Message(
            channel=channel,
            recipient=recipient,
            event=event,
            language=language,
            case_reference=case_reference,
            subject=render_text(subject, full_context, language=language)[:300] if subject else "",
            body=text,
        )
        message.full_clean(validate_unique=False)  # `uid` is a fresh uuid4; its unique index still guards it
        message.save()
        outbox_enqueue(
            backend=BACKEND_NAME,
            payload={"message_id": message.pk},
            topic=event,
            ordering_key=f"{case_reference}:{channel}" if case_reference else "",
        )
        messages.append(message)
    return messages


def notification_queue(
    *,
    event: str,
    to_email: str = "",
    to_phone: str = "",
    language: str = "id",
    context: dict[str, Any],
    case_reference: str = "",
) -> OutboxMessage | None:
    """Queue `event` to be rendered and sent by the worker: one outbox row in the caller's transaction, instead of
    the template look-ups, the rendering and a message row per channel while a citizen waits for the answer.

    The worker's "notification.render" backend calls `notification_send` with these arguments and then replaces
    the row's payload with the ids of the messages it queued, so the recipient is not kept twice. Returns the
    outbox row, or None when there is no recipient. The context must be JSON (dates as ISO strings).
    """
    if not (to_email or to_phone):
        return None
    return outbox_enqueue(
        backend=RENDER_BACKEND_NAME,
        payload={"event": event, "to_email": to_email, "to_phone": to_phone, "language": language,
                 "context": context, "case_reference": case_reference},
        topic=event,
        ordering_key=case_reference,
    )


def messages_anonymise(*, case_reference: str) -> int:
    """Retention: blank the recipient, subject and text of every message about a case, and its delivery log's
    details (a gateway's answer may repeat the number); the rows stay as a count of what was sent."""
    if not case_reference:
        return 0
    MessageAttempt.objects.filter(message__case_reference=case_reference).update(detail="")
    return Message.objects.filter(case_reference=case_reference).update(recipient="", subject="", body="")
