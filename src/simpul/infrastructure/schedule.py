"""Periodic jobs of the infrastructure app (run by `simpul worker`)."""

from __future__ import annotations

from datetime import timedelta

from simpul.core.schedule import periodic
from simpul.infrastructure.services import application_checks_run


@periodic(name="infrastructure.health_checks", every=timedelta(minutes=5))
def health_checks() -> None:
    """Check every registered application (only admin-registered addresses) and alert on long outages."""
    application_checks_run()
