"""Demo of the agencies app: the demo's services and accounts belong to Musi Banyuasin's OPDs, which the
reference data loads only when Musi Banyuasin is home; a forced demo in another kabupaten loads them here."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from simpul.agencies.reference import load_opds
from simpul.core.loaders import DEMO_KABUPATEN_CODE


def load(*, stdout: Any) -> None:
    if settings.SIMPUL_KABUPATEN_CODE != DEMO_KABUPATEN_CODE:
        load_opds(stdout=stdout)
