"""Project-wide pytest hooks (fixtures shared by the apps are in src/simpul/conftest.py).

Tests marked `system` exercise the whole system (a real browser, gunicorn and the worker as subprocesses, fuzzers,
backup and restore, extraction of every translatable string): they take most of the suite's time and some measure
it, so `make test` runs them serially after the other tests have run in parallel, and `make test-fast` leaves them
out. They are marked here by path (SYSTEM_PATHS), or one by one with `@pytest.mark.system`.

Tests marked `postgres` need PostgreSQL: on SQLite they are skipped at collection, before any database is set
up, with the reason shown in the summary. CI runs the system tests and these on PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: no per-example deadline (CI machines are shared and noisy; timings belong in bench/), and in CI
# a fixed derandomised run so that a red build is reproducible, never a coin toss.
hypothesis_settings.register_profile("simpul", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("simpul"), derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "simpul")


# Relative to the project's root; a directory marks every test below it.
SYSTEM_PATHS = (
    "tests/browser/",
    "tests/load/",
    "tests/security/test_form_fuzz.py",
    "tests/security/test_query_fuzz.py",
    "tests/security/test_nik_at_rest.py",
    "tests/test_api_schema_fuzz.py",
    "tests/test_backup_restore.py",
    "tests/test_run_command.py",
    "tests/test_translations.py",
)


def _is_system(item: pytest.Item, root: Path) -> bool:
    try:
        path = item.path.relative_to(root).as_posix()
    except ValueError:
        return False
    return path.startswith(SYSTEM_PATHS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    root = Path(__file__).resolve().parent
    for item in items:
        if _is_system(item, root):
            item.add_marker(pytest.mark.system)
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
