"""Status by SMS or WhatsApp for feature phones: the gateway forwards an inbound message to
POST /api/v1/sms/inbound/ (the view: simpul.notifications.api.views) and Simpul answers
`STATUS <reference> <PIN>` (or `CEK ...`) with the case's status.

The request is JSON `{"from": "+62812...", "text": "STATUS MUBA-... 123456", "channel": "sms"|"whatsapp"}`,
signed like outgoing messages (`simpul.notifications.gateways.sign`: headers X-Simpul-Timestamp and
X-Simpul-Signature, HMAC-SHA256 with `inbound_secret()`); without a secret every request is refused. The demo
(SIMPUL_DEMO_MODE) has a published secret, `DEMO_SECRET`, refused everywhere else (and by `simpul check
--deploy`, simpul.E002). `simpul sms test "STATUS <reference> <PIN>" --from 0812...` sends a signed message.

The sender's number is read once, through `simpul.core.text.normalise_phone`: 0812..., 62812... and +62812...
are one number for the lockout, the reply and its delivery order. The answer is queued as an outgoing message
through the outbox and the gateway registry (so it is retried when the gateway is down), returned in the
response for gateways that reply synchronously, and, when it tells a case's status, kept with the case
(`case_reference`: the case's delivery log). A wrong reference or PIN gets one generic answer and counts
towards the same throttle as the tracking page, keyed by the sender's number. The view answers an exact
re-send of a signed request (same signature) with the first answer, without a second reply.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from simpul.core.registry import Registry
from simpul.core.services import outbox_enqueue
from simpul.core.text import normalise_phone
from simpul.notifications.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from simpul.notifications.models import Channel, Language, Message
from simpul.notifications.outbox import BACKEND_NAME

# The demo's published secret: used when SIMPUL_DEMO_MODE is on and SIMPUL_SMS_INBOUND_SECRET is empty.
DEMO_SECRET = "simpul-demo-sms-inbound-2026"  # noqa: S105 - published on purpose, refused outside demo mode

_COMMAND = re.compile(r"^\s*(?:STATUS|CEK)\s+(?P<reference>.+?)\s+(?P<pin>\d{4,8})\s*$", re.IGNORECASE)


def inbound_secret() -> str:
    """The secret inbound messages must be signed with ("" refuses them all): SIMPUL_SMS_INBOUND_SECRET, or in
    demo mode the published `DEMO_SECRET`. Outside demo mode the demo secret is never accepted."""
    configured = settings.SIMPUL_SMS_INBOUND_SECRET
    demo = settings.DEMO_MODE
    if configured == DEMO_SECRET and not demo:
        return ""
    return configured or (DEMO_SECRET if demo else "")


def sender_key(sender: str) -> str:
    """The one spelling of a sender: a phone number as `+62...`; anything without a digit as written."""
    sender = sender.strip()[:40]
    return normalise_phone(sender) or sender


@dataclass(frozen=True)
class Answer:
    text: str
    case_reference: str = ""  # set when the answer tells this case's status


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


# Who answers a STATUS query: the cases app registers its tracking (simpul.cases.sms) under STATUS_ANSWERER, so
# this door, below cases, never imports it. A callable (sender, query) -> Answer, run in Indonesian.
StatusAnswerer = Callable[[str, StatusQuery], Answer]
status_answerers: Registry[StatusAnswerer] = Registry("SMS status answerer")
STATUS_ANSWERER = "case-status"


def answer_for(*, sender: str, text: str) -> Answer:
    """The reply to one inbound message (Indonesian: the language of the regency's feature-phone users);
    `sender` as given by `sender_key`."""
    with translation.override("id"):
        query = parse_command(text)
        if query is None or STATUS_ANSWERER not in status_answerers:
            return Answer(_("To see your application, send: STATUS <reference number> <PIN>"))
        return status_answerers.get(STATUS_ANSWERER)(sender, query)


def sms_inbound_reply(*, sender: str, text: str, channel: str = Channel.SMS) -> Message:
    """Answer one inbound message: the reply is stored as an outgoing Message and queued through the outbox
    (so it is retried while the gateway is down). `sender` is read by `sender_key` (cut to 40 characters),
    `text` is cut to 480. A status answer carries the case's reference, so it shows in the case's delivery log."""
    sender, text = sender_key(sender), text[:480]
    channel = Channel.WHATSAPP if channel == Channel.WHATSAPP else Channel.SMS
    answer = answer_for(sender=sender, text=text)
    with transaction.atomic():
        message = Message(channel=channel, recipient=sender, event="sms.status_reply", language=Language.INDONESIAN,
                          body=answer.text, case_reference=answer.case_reference)
        message.full_clean()
        message.save()
        outbox_enqueue(backend=BACKEND_NAME, payload={"message_id": message.pk}, topic="sms.status_reply",
                       ordering_key=f"sms:{sender}")
    return message


def inbound_signed(*, sender: str, text: str, channel: str = Channel.SMS, secret: str | None = None,
                   timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a signed inbound message, as a gateway sends it (for `simpul sms test`)."""
    body = json.dumps({"from": sender, "text": text, "channel": channel}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = sign(inbound_secret() if secret is None else secret, stamp, body)
    return body, {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature}
