"""Reference data of the catalog, for every installation: none to load, but the stored search text of every
service version is brought up to date (`service_search_reindex`) when the code that builds it, or a service's
search words, changed since it was saved (an upgrade that teaches the search new things). Idempotent: a second run
rebuilds nothing."""

from __future__ import annotations

from typing import Any

from simpul.catalog.services import service_search_reindex


def load(*, stdout: Any) -> None:
    rebuilt = service_search_reindex()
    stdout.write(f"catalog: search text rebuilt for {rebuilt} service versions\n")
