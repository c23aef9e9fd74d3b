"""Reference data of the regions app: the home kabupaten's regions, from the national tree (data/README.md).

`settings.SIMPUL_KABUPATEN_CODE` chooses the kabupaten (16.06, Musi Banyuasin, by default); its provinsi,
kecamatan and desa/kelurahan are read from `data/wilayah-indonesia-2025.csv.gz` and imported (idempotent).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from simpul.regions.national import SOURCE, kabupaten_rows
from simpul.regions.services import region_import


def load(*, stdout: Any) -> None:
    result = region_import(rows=kabupaten_rows(settings.SIMPUL_KABUPATEN_CODE), source=SOURCE)
    stdout.write(
        f"regions of {settings.SIMPUL_KABUPATEN_CODE}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
