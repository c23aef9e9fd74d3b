"""Project-wide pytest hooks (fixtures shared by the apps are in src/simpul/conftest.py).

Tests marked `postgres` need PostgreSQL: on SQLite they are skipped at collection, before any database is set
up, with the reason shown in the summary. CI runs the suite a second time with DATABASE_URL=postgres://...
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
