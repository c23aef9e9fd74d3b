"""Reference-data and demo loaders contributed by each app.

An app that ships reference data has `reference.py` with `load(*, stdout) -> None`; an app with demo data has
`demo.py` with `load(*, stdout) -> None`. Both must be idempotent: `make run` calls them on every start.
They run in the order of `APP_ORDER` (dependencies first).

A demo module may also offer hooks that core's commands call without importing the app (core is below every
app): `demo_logins() -> (accounts, password)` for `simpul run`'s banner, `totp_code(*, email)` for
`simpul demo totp EMAIL`. `demo_hook(name)` finds the first app in `APP_ORDER` that has one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

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
