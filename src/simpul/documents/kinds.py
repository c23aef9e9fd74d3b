"""How each kind of issued document is issued again from its source (the case as it is now, an event's
attendance): `services` registers decision letters and receipts; other apps add theirs in their
AppConfig.ready(). A kind without an entry can be revoked, not reissued. Called as f(document, actor, passphrase)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simpul.core.registry import Registry

reissuers: Registry[Callable[[Any, Any, str], Any]] = Registry("document reissuer")
