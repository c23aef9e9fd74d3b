"""Events for other systems, announced by the app where they happen and delivered by the app that knows the
receivers.

A domain app calls `event_announce(event_type, subject=..., data=..., agency_ids=..., ordering_key=...)` inside
its own transaction; every registered announcer receives it, in the same transaction. The api app registers the
one that fans an event out to webhook subscriptions and agency integrations (`simpul.api.events.publish`,
registered in `ApiConfig.ready`), so a domain app never imports the api app. Without an announcer (a deployment
without the api app) an event goes nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Announcer = Callable[..., Any]

_announcers: dict[str, Announcer] = {}


def announcer_register(name: str, announcer: Announcer) -> None:
    """Register `announcer(event_type, *, subject, data, agency_ids, ordering_key)` under `name`; a name is
    registered once."""
    if name in _announcers and _announcers[name] is not announcer:
        raise ValueError(f"an event announcer named {name!r} is already registered")
    _announcers[name] = announcer


def event_announce(
    event_type: str, *, subject: str, data: dict[str, Any], agency_ids: Iterable[int], ordering_key: str
) -> None:
    """Hand one event to every registered announcer (see the module docstring)."""
    agencies = list(agency_ids)
    for announcer in _announcers.values():
        announcer(event_type, subject=subject, data=data, agency_ids=agencies, ordering_key=ordering_key)
