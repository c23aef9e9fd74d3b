"""The `load` marker: whole-system runs (gunicorn, the task worker, Locust) as subprocesses, a minute or so each.

Deselect them with `-m "not load"` when iterating; `make test` and CI run them.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "load: starts gunicorn and a load generator as subprocesses (about a minute)")
