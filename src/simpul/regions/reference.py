"""Reference data of the regions app: Musi Banyuasin's Kemendagri region codes (see data/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simpul.regions.services import region_import

DATA_FILE = Path(__file__).resolve().parent / "data" / "wilayah-16.06.csv"
SOURCE = "Kepmendagri 300.2.2-2138/2025 via cahyadsn/wilayah (MIT)"


def load(*, stdout: Any) -> None:
    with DATA_FILE.open(encoding="utf-8-sig", newline="") as handle:
        result = region_import(file=handle, source=SOURCE)
    stdout.write(
        f"regions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
    )
