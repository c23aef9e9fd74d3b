"""Reference-data and demo loaders contributed by each app.

An app that ships reference data has `reference.py` with `load(*, stdout) -> None`; an app with demo data has
`demo.py` with `load(*, stdout) -> None`. Both must be idempotent: `make run` calls them on every start.
They run in the order of `APP_ORDER` (dependencies first).

Reference data is for any kabupaten (`SIMPUL_KABUPATEN_CODE`); what belongs to one kabupaten only (Musi
Banyuasin's OPDs, the applications of its 2020 study) loads only when that kabupaten is home. The demo is Musi
Banyuasin's (`DEMO_KABUPATEN_CODE`): `simpul demo` loads it only there, unless `simpul demo --force`, which
brings Musi Banyuasin's regions and offices along into an installation of another kabupaten.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# The kabupaten whose offices, services, accounts and sample data the shipped demo holds: Musi Banyuasin.
DEMO_KABUPATEN_CODE = "16.06"

APP_ORDER = [
    "core",
    "regions",
    "agencies",
    "accounts",
    "catalog",
    "notifications",
    "cases",
    "api",
    "infrastructure",
    "assessment",
    "opendata",
    "portal",
]


def loaders(kind: str) -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for app in APP_ORDER:
        try:
            module = importlib.import_module(f"simpul.{app}.{kind}")
        except ModuleNotFoundError as exc:
            if exc.name != f"simpul.{app}.{kind}":
                raise
            continue
        found.append((app, module.load))
    return found
