"""Tracking a case by its reference and PIN: the one rule for every door (the page /lacak/, the status API
`GET /api/v1/cases/<reference>/status/` and `STATUS <reference> <PIN>` by SMS or WhatsApp).

    track(reference, pin, requester) -> Case | Blocked | NotFound

- The reference is read once (`normalise_reference`: case, spaces and the check letter); one that cannot be a
  reference is `NotFound(malformed=True)` and is not counted (no case can have it).
- Wrong PINs are counted per requester and reference (`settings.TRACKING_MAX_FAILURES` within
  `TRACKING_WINDOW_SECONDS`) and per requester across references (`TRACKING_MAX_FAILURES_PER_IP`), in the
  limits shared by every process (`simpul.core.limits`); over either, `Blocked` until the window has passed,
  whether the PIN is right or not.
- An unknown reference and a wrong PIN are one answer, `NotFound`, and cost the same: the PIN is compared with a
  stored hash even when there is no case, so timing tells nothing either.
- The requester is the client address (`simpul.core.clientip.client_ip`: behind a trusted proxy, the address in
  X-Forwarded-For) on the web and the API, and the sender's number by SMS.

The doors only render: a page with a form error, a problem+json 404 or 429, a text message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from simpul.cases.models import Case
from simpul.cases.reference_numbers import normalise_reference, pin_matches
from simpul.core.clientip import client_ip
from simpul.core.limits import Limit, limit_hit, limit_reached
from simpul.core.registry import Registry

# A hash no PIN matches, compared when the reference names no case (so both answers take the same time).
_NO_CASE_HASH = "0" * 64
# What the tracking page lists beside the case's own result documents (`simpul.documents` adds its signed letters,
# without cases importing it): link(case) -> [(label, url)].
result_links: Registry[Callable[[Case], list[tuple[str, str]]]] = Registry("tracking result link")


@dataclass(frozen=True)
class Requester:
    """Who asks: the door and the key its wrong guesses are counted under."""

    door: str  # "web", "api" or "sms"
    key: str

    @classmethod
    def web(cls, request: Any) -> Requester:
        return cls("web", client_ip(request))

    @classmethod
    def api(cls, request: Any) -> Requester:
        return cls("api", client_ip(request))

    @classmethod
    def sms(cls, sender: str) -> Requester:
        return cls("sms", f"sms:{sender}")


@dataclass(frozen=True)
class Blocked:
    """Too many wrong PINs: refused until the window has passed."""

    wait_minutes: int

    @property
    def retry_after_seconds(self) -> int:
        return self.wait_minutes * 60


@dataclass(frozen=True)
class NotFound:
    """No case with this reference and PIN; `malformed` when the text cannot be a reference at all."""

    malformed: bool = False


def _limits() -> tuple[Limit, Limit]:
    window = settings.TRACKING_WINDOW_SECONDS
    return (Limit("tracking-pin", settings.TRACKING_MAX_FAILURES, window),
            Limit("tracking-pin-client", settings.TRACKING_MAX_FAILURES_PER_IP, window))


def tracking_wait_minutes() -> int:
    """How long a blocked requester waits (the window, in minutes)."""
    return _limits()[0].wait_minutes


def track(reference: str, pin: str, requester: Requester) -> Case | Blocked | NotFound:
    """The case `reference` names when `pin` is its PIN; see the module docstring for the rule."""
    canonical = normalise_reference(reference)
    if canonical is None:
        return NotFound(malformed=True)
    per_reference, per_requester = _limits()
    pair = f"{requester.key}|{canonical}"
    if limit_reached(per_reference, pair) or limit_reached(per_requester, requester.key):
        return Blocked(wait_minutes=per_reference.wait_minutes)
    case = (Case.objects.select_related("service_version", "agency", "desa", "assigned_to")
            .filter(reference=canonical).first())
    matched = pin_matches(canonical, str(pin or ""), case.pin_hash if case is not None else _NO_CASE_HASH)
    if case is None or not matched:
        limit_hit(per_reference, pair)
        limit_hit(per_requester, requester.key)
        return NotFound()
    return case
