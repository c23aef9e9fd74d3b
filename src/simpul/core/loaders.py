"""Reference-data and demo loaders contributed by each app.

An app that ships reference data has `reference.py` with `load(*, stdout) -> None`; an app with demo data has
`demo.py` with `load(*, stdout) -> None`. Both must be idempotent: `make run` calls them on every start.
They run in the order of `APP_ORDER` (dependencies first).

Reference data is for any kabupaten (`SIMPUL_KABUPATEN_CODE`); what belongs to one kabupaten only (Musi
Banyuasin's OPDs, the applications of its 2020 study) loads only when that kabupaten is home. The demo is Musi
Banyuasin's (`DEMO_KABUPATEN_CODE`): `simpul demo` loads it only there, unless `simpul demo --force`, which
brings Musi Banyuasin's regions and offices along into an installation of another kabupaten.

A demo module may also offer hooks that core's commands call without importing the app (core is below every
app): `demo_logins() -> (accounts, password)` for `simpul run`'s banner, `totp_code(*, email)` for
`simpul demo totp EMAIL`. `demo_hook(name)` finds the first app in `APP_ORDER` that has one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
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
    "documents",
    "api",
    "infrastructure",
    "assessment",
    "opendata",
    "portal",
]


def _modules(kind: str) -> list[tuple[str, ModuleType]]:
    found = []
    for app in APP_ORDER:
        try:
            module = importlib.import_module(f"simpul.{app}.{kind}")
        except ModuleNotFoundError as exc:
            if exc.name != f"simpul.{app}.{kind}":
                raise
            continue
        found.append((app, module))
    return found


def loaders(kind: str) -> list[tuple[str, Callable[..., Any]]]:
    return [(app, module.load) for app, module in _modules(kind)]


def demo_hook(name: str) -> Callable[..., Any] | None:
    """The hook `name` of the first app's demo module that has it (see the module docstring), or None."""
    for _app, module in _modules("demo"):
        hook = getattr(module, name, None)
        if callable(hook):
            return hook
    return None
