"""Throttle for PIN guessing on the tracking page, the status API and status-by-SMS (`simpul.core.limits`).

After `settings.TRACKING_MAX_FAILURES` wrong PINs for one reference from one client within `TRACKING_WINDOW_SECONDS`,
further attempts are refused until the window has passed; a wider per-client limit
(`TRACKING_MAX_FAILURES_PER_IP`) stops guessing across many references. The client is
`simpul.core.clientip.client_ip` (behind a trusted proxy, the address in X-Forwarded-For) or, for SMS, the
sender's number. Counts are shared by every web process (the database by default).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from simpul.core.clientip import client_ip as _client_ip
from simpul.core.limits import Limit, limit_hit, limit_reached


def client_ip(request: Any) -> str:
    """The client the tracking throttle counts (kept here for the doors that import it)."""
    return _client_ip(request)


def _limits() -> tuple[Limit, Limit]:
    window = settings.TRACKING_WINDOW_SECONDS
    per_reference = settings.TRACKING_MAX_FAILURES
    per_client = settings.TRACKING_MAX_FAILURES_PER_IP
    return Limit("tracking-pin", per_reference, window), Limit("tracking-pin-client", per_client, window)


def tracking_blocked(client: str, reference: str) -> bool:
    per_reference, per_client = _limits()
    return limit_reached(per_reference, f"{client}|{reference}") or limit_reached(per_client, client)


def tracking_failed(client: str, reference: str) -> None:
    per_reference, per_client = _limits()
    limit_hit(per_reference, f"{client}|{reference}")
    limit_hit(per_client, client)


def tracking_wait_minutes() -> int:
    return _limits()[0].wait_minutes
