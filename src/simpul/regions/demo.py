"""Demo of the regions app: the demo lives in Musi Banyuasin's villages, so a forced demo in another kabupaten
(`simpul demo --force`) imports Musi Banyuasin's regions beside the home kabupaten's. At home, nothing to do."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from simpul.core.loaders import DEMO_KABUPATEN_CODE
from simpul.regions.national import SOURCE, kabupaten_rows
from simpul.regions.services import region_import


def load(*, stdout: Any) -> None:
    if settings.SIMPUL_KABUPATEN_CODE == DEMO_KABUPATEN_CODE:
        return
    result = region_import(rows=kabupaten_rows(DEMO_KABUPATEN_CODE), source=SOURCE)
    stdout.write(f"regions of the demo's kabupaten {DEMO_KABUPATEN_CODE}: {result.created} created")
