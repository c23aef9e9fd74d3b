"""System checks of the notifications app's settings (`simpul check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from simpul.notifications.inbound import DEMO_SECRET


@register(Tags.security, deploy=True)
def check_sms_inbound_secret(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The demo's SMS secret is published: with it anyone can ask for a status and make Simpul send SMS."""
    configured = settings.SIMPUL_SMS_INBOUND_SECRET
    demo_fallback = not configured and settings.DEMO_MODE
    if configured != DEMO_SECRET and not demo_fallback:
        return []
    return [Error(
        "The inbound SMS/WhatsApp webhook would accept the published demo secret "
        + ("(SIMPUL_SMS_INBOUND_SECRET is the demo secret)." if configured else
           "(SIMPUL_DEMO_MODE is on and SIMPUL_SMS_INBOUND_SECRET is empty)."),
        hint="Set SIMPUL_DEMO_MODE=false and SIMPUL_SMS_INBOUND_SECRET to the random secret shared with the SMS "
             "gateway (`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`), or leave it empty to "
             "refuse inbound messages.",
        id="simpul.E002")]
