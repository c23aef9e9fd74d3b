"""Core reference data: the government's cuti bersama for 2025 and 2026 (see data/SOURCE.md).

Idempotent: a date already in the table is left as it is (an admin may have corrected it).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from simpul.core.models import Holiday

CUTI_BERSAMA_CSV = Path(__file__).resolve().parent / "data" / "cuti-bersama.csv"


def cuti_bersama_rows() -> list[dict[str, Any]]:
    with CUTI_BERSAMA_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "date": date.fromisoformat(row["date"]),
                "name": row["name"],
                "kind": row["kind"],
                "legal_basis": row["legal_basis"],
            }
            for row in csv.DictReader(handle)
        ]


def load(*, stdout: Any) -> None:
    added = 0
    for row in cuti_bersama_rows():
        holiday = Holiday(**row)
        if Holiday.objects.filter(date=holiday.date).exists():
            continue
        holiday.full_clean()
        holiday.save()
        added += 1
    stdout.write(f"cuti bersama: {added} added")
