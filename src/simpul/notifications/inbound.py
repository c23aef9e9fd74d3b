"""Status by SMS or WhatsApp for feature phones: the gateway forwards an inbound message to
POST /api/v1/sms/inbound/ (the view: simpul.notifications.api.views) and Simpul answers
`STATUS <reference> <PIN>` (or `CEK ...`) with the case's status.

The request is JSON `{"from": "+62812...", "text": "STATUS MUBA-... 123456", "channel": "sms"|"whatsapp"}`,
signed like outgoing messages (`simpul.notifications.gateways.sign`: headers X-Simpul-Timestamp and
X-Simpul-Signature, HMAC-SHA256 with SIMPUL_SMS_INBOUND_SECRET); without a configured secret every request is
refused. The answer is queued as an outgoing message through the outbox and the gateway registry (so it is
retried when the gateway is down) and also returned in the response for gateways that reply synchronously.
A wrong reference or PIN gets one generic answer and counts towards the same throttle as the tracking page,
keyed by the sender's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from simpul.core.services import outbox_enqueue
from simpul.notifications.models import Channel, Language, Message
from simpul.notifications.outbox import BACKEND_NAME

_COMMAND = re.compile(r"^\s*(?:STATUS|CEK)\s+(?P<reference>.+?)\s+(?P<pin>\d{4,8})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class StatusQuery:
    reference: str
    pin: str


def parse_command(text: str) -> StatusQuery | None:
    """`STATUS <reference> <PIN>` or `CEK <reference> <PIN>`, any case, extra spaces allowed; None otherwise."""
    match = _COMMAND.match(" ".join((text or "").split()))
    if match is None:
        return None
    return StatusQuery(reference=match["reference"].strip(), pin=match["pin"])


def answer_for(*, sender: str, text: str) -> str:
    """The reply text for one inbound message (Indonesian: the language of the regency's feature-phone users)."""
    from simpul.cases.reference_numbers import normalise_reference
    from simpul.cases.selectors import case_get_for_tracking
    from simpul.cases.throttle import tracking_blocked, tracking_failed, tracking_wait_minutes

    with translation.override("id"):
        query = parse_command(text)
        if query is None:
            return _("To see your application, send: STATUS <reference number> <PIN>")
        key = f"sms:{sender}"
        reference = normalise_reference(query.reference) or query.reference.upper()
        if tracking_blocked(key, reference):
            return _("Too many wrong attempts. Try again in {minutes} minutes.").format(
                minutes=tracking_wait_minutes())
        case = case_get_for_tracking(reference, query.pin)
        if case is None:
            tracking_failed(key, reference)
            return _("The reference number and PIN do not match.")
        due = formats.date_format(case.due_date, "j M Y") if case.due_date else "-"
        return _("Application {reference}: {status}. Expected by {due}.").format(
            reference=case.reference, status=case.get_status_display(), due=due)


def sms_inbound_reply(*, sender: str, text: str, channel: str = Channel.SMS) -> Message:
    """Answer one inbound message: the reply is stored as an outgoing Message and queued through the outbox
    (so it is retried while the gateway is down). `sender` is cut to 40 characters, `text` to 480."""
    sender, text = sender[:40], text[:480]
    channel = Channel.WHATSAPP if channel == Channel.WHATSAPP else Channel.SMS
    reply = answer_for(sender=sender, text=text)
    with transaction.atomic():
        message = Message(channel=channel, recipient=sender, event="sms.status_reply", language=Language.INDONESIAN,
                          body=reply)
        message.full_clean()
        message.save()
        outbox_enqueue(backend=BACKEND_NAME, payload={"message_id": message.pk}, topic="sms.status_reply",
                       ordering_key=f"sms:{sender}")
    return message
