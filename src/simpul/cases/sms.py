"""`STATUS <reference> <PIN>` by SMS or WhatsApp, answered from the one tracking rule (simpul.cases.tracking).

Registered with the SMS door (simpul.notifications.inbound, an app below cases) when the cases app is ready.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from simpul.cases.models import Case
from simpul.cases.tracking import Blocked, Requester, track
from simpul.notifications.inbound import STATUS_ANSWERER, Answer, StatusQuery, status_answerers


def status_answer(sender: str, query: StatusQuery) -> Answer:
    """The reply to `STATUS <reference> <PIN>` from `sender` (a number as `sender_key` spells it)."""
    found = track(query.reference, query.pin, Requester.sms(sender))
    if isinstance(found, Blocked):
        return Answer(_("Too many wrong attempts. Try again in {minutes} minutes.").format(
            minutes=found.wait_minutes))
    if not isinstance(found, Case):
        return Answer(_("The reference number and PIN do not match."))
    due = formats.date_format(found.due_date, "j M Y") if found.due_date else "-"
    return Answer(_("Application {reference}: {status}. Expected by {due}.").format(
        reference=found.reference, status=found.get_status_display(), due=due), case_reference=found.reference)


status_answerers.register(status_answer, name=STATUS_ANSWERER)
