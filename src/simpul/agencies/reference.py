"""Reference data of the agencies app.

- `data/agencies-16.06.csv`: Musi Banyuasin's 25 OPDs of Table 1 of the paper (internet connections of OPDs,
  2020), with stable codes that other data (catalog, infrastructure, demo accounts) refer to. Do not change the
  codes. Loaded only when Musi Banyuasin (16.06) is home (or by `simpul demo --force`, agencies/demo.py):
  another kabupaten enters its own OPDs in the admin.
  The column `handles_complaints` marks the complaint-handling unit (SP4N-LAPOR!): the office that receives
  complaints about other offices' staff and alone may see a confidential reporter (Musi Banyuasin: Inspektorat).
  The column `handles_cases` ("no") marks the rows of Table 1 that are sites, not offices serving the public (the
  official residences of the Bupati, the Wakil Bupati and the Sekda): no case is forwarded to them. Empty: yes.
- One kecamatan office per kecamatan of the home kabupaten (`settings.SIMPUL_KABUPATEN_CODE`), generated
  from the region table: code `kecamatan-16-06-01`, name "Kantor Camat <name>", kind kecamatan.

Loading is idempotent: existing agencies are updated only when a field differs.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings

from simpul.agencies.models import Agency, AgencyKind
from simpul.agencies.services import agency_create, agency_update
from simpul.core.loaders import DEMO_KABUPATEN_CODE
from simpul.regions.models import Region, RegionLevel

DATA_FILE = Path(__file__).resolve().parent / "data" / "agencies-16.06.csv"

# The region dataset keeps the spelling of its source; office names use the usual spelling.
KECAMATAN_NAME_CORRECTIONS = {"16.06.13": "Lawang Wetan"}


def kecamatan_office_code(region_code: str) -> str:
    return "kecamatan-" + region_code.replace(".", "-")


def _upsert(code: str, fields: dict[str, Any], existing: dict[str, Agency]) -> str:
    agency = existing.get(code)
    if agency is None:
        existing[code] = agency_create(code=code, **fields)
        return "created"
    before = agency.updated_at
    agency_update(agency=agency, **fields)
    return "updated" if agency.updated_at != before else "unchanged"


def opd_rows() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_opds(*, stdout: Any) -> None:
    """Musi Banyuasin's OPDs (data/agencies-16.06.csv)."""
    existing = {a.code: a for a in Agency.objects.all()}
    rows = opd_rows()
    regions = Region.objects.in_bulk({r["region_code"] for r in rows if r["region_code"]})
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    # Parents first, so a unit can point at its OPD.
    for row in sorted(rows, key=lambda r: bool(r["parent_code"])):
        fields = {
            "name": row["name"],
            "short_name": row["short_name"],
            "kind": row["kind"],
            "region": regions.get(row["region_code"]),
            "parent": existing.get(row["parent_code"]) if row["parent_code"] else None,
            "handles_complaints": (row.get("handles_complaints") or "").strip().lower() in ("1", "yes", "true"),
            "handles_cases": (row.get("handles_cases") or "").strip().lower() not in ("0", "no", "false"),
        }
        counts[_upsert(row["code"], fields, existing)] += 1
    stdout.write("agencies (OPDs): {created} created, {updated} updated, {unchanged} unchanged".format(**counts))


def load_kecamatan_offices(*, stdout: Any) -> None:
    """One office per kecamatan of the home kabupaten."""
    existing = {a.code: a for a in Agency.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    kecamatan = Region.objects.filter(
        level=RegionLevel.KECAMATAN, parent_id=settings.SIMPUL_KABUPATEN_CODE
    ).order_by("code")
    for region in kecamatan:
        name = KECAMATAN_NAME_CORRECTIONS.get(region.code, region.name)
        fields = {
            "name": f"Kantor Camat {name}",
            "short_name": f"Kec. {name}",
            "kind": AgencyKind.KECAMATAN,
            "region": region,
            "parent": None,
            "handles_complaints": False,
            "handles_cases": True,
        }
        counts[_upsert(kecamatan_office_code(region.code), fields, existing)] += 1
    stdout.write("agencies (kecamatan offices): {created} created, {updated} updated, {unchanged} unchanged".format(
        **counts))


def load(*, stdout: Any) -> None:
    if settings.SIMPUL_KABUPATEN_CODE == DEMO_KABUPATEN_CODE:
        load_opds(stdout=stdout)
    else:
        stdout.write(f"agencies: the shipped OPDs are Musi Banyuasin's ({DEMO_KABUPATEN_CODE}); none loaded for "
                     f"{settings.SIMPUL_KABUPATEN_CODE}")
    load_kecamatan_offices(stdout=stdout)

