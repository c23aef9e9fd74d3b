"""Throttle for PIN guessing on the tracking page and the status API (cache-based counters).

After `TRACKING_MAX_FAILURES` wrong PINs for one reference from one IP address within
`TRACKING_WINDOW_SECONDS`, further attempts are refused until the window has passed; a wider per-IP limit
(`TRACKING_MAX_FAILURES_PER_IP`) stops guessing across many references.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache

TRACKING_MAX_FAILURES = 5
TRACKING_MAX_FAILURES_PER_IP = 30
TRACKING_WINDOW_SECONDS = 15 * 60


def client_ip(request: Any) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _keys(ip: str, reference: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{ip}|{reference}".encode()).hexdigest()[:32]
    ip_digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    return f"cases:pin-fail:{digest}", f"cases:pin-fail-ip:{ip_digest}"


def _limits() -> tuple[int, int, int]:
    return (
        int(getattr(settings, "TRACKING_MAX_FAILURES", TRACKING_MAX_FAILURES)),
        int(getattr(settings, "TRACKING_MAX_FAILURES_PER_IP", TRACKING_MAX_FAILURES_PER_IP)),
        int(getattr(settings, "TRACKING_WINDOW_SECONDS", TRACKING_WINDOW_SECONDS)),
    )


def tracking_blocked(ip: str, reference: str) -> bool:
    per_reference, per_ip, _window = _limits()
    ref_key, ip_key = _keys(ip, reference)
    return int(cache.get(ref_key, 0)) >= per_reference or int(cache.get(ip_key, 0)) >= per_ip


def _bump(key: str, window: int) -> None:
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)


def tracking_failed(ip: str, reference: str) -> None:
    _per_reference, _per_ip, window = _limits()
    ref_key, ip_key = _keys(ip, reference)
    _bump(ref_key, window)
    _bump(ip_key, window)


def tracking_wait_minutes() -> int:
    return max(1, _limits()[2] // 60)
