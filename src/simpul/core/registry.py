"""One registry for every plug-in list: outbox backends, notification gateways, agency integrations, SMS status
answerers, data-subject export sections and re-encryption jobs.

A name is registered once: a second registration under the same name is a configuration mistake (two modules
claiming one backend) and raises `AlreadyRegistered` at import time instead of silently replacing the first.
Tests that need another entry for a while use `override(name, item)`, which puts the old entry back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class AlreadyRegistered(ImproperlyConfigured):
    """Two entries claim one name."""


class NotRegistered(LookupError):
    """No entry has this name."""


class Registry(Generic[T]):
    """Entries by name. `kind` names what is registered, for error messages ("outbox backend")."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, item: T, *, name: str | None = None) -> T:
        """Add `item` under `name` (default: its `name` attribute); returns it, so it works as a class decorator."""
        key = name if name is not None else str(getattr(item, "name", "") or "")
        if not key:
            raise ImproperlyConfigured(f"a {self.kind} needs a name")
        if key in self._entries:
            raise AlreadyRegistered(f"two {self.kind}s are named {key!r}")
        self._entries[key] = item
        return item

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise NotRegistered(f"no {self.kind} named {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def items(self) -> list[tuple[str, T]]:
        """Every entry as (name, entry), sorted by name."""
        return sorted(self._entries.items(), key=lambda pair: pair[0])

    def __contains__(self, name: Any) -> bool:
        return name in self._entries

    @contextmanager
    def override(self, name: str, item: T) -> Iterator[T]:
        """Use `item` as `name` inside the block (for tests); whatever was there before comes back after."""
        missing = object()
        previous: Any = self._entries.get(name, missing)
        self._entries[name] = item
        try:
            yield item
        finally:
            if previous is missing:
                self._entries.pop(name, None)
            else:
                self._entries[name] = previous
