"""Periodic jobs of the opendata app."""

from __future__ import annotations

from datetime import timedelta

from simpul.core.schedule import periodic
from simpul.opendata.services import datasets_refresh_generated


@periodic(name="opendata.refresh_generated", every=timedelta(hours=24))
def refresh_generated() -> None:
    """Rebuild every generated dataset from the current data (idempotent)."""
    datasets_refresh_generated()
