"""Project-wide pytest hooks (fixtures shared by the apps are in src/simpul/conftest.py).

Tests marked `postgres` need PostgreSQL: on SQLite they are skipped at collection, before any database is set
up, with the reason shown in the summary. CI runs the suite a second time with DATABASE_URL=postgres://...
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: no per-example deadline (CI machines are shared and noisy; timings belong in bench/), and in CI
# a fixed derandomised run so that a red build is reproducible, never a coin toss.
hypothesis_settings.register_profile("simpul", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("simpul"), derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "simpul")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
