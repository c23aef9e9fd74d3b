"""Reference data of the infrastructure app (every install, idempotent):

- the default bandwidth-need standard per site kind (`NeedStandard`), valid from 2020-01-01. These figures are
  ASSUMPTIONS chosen by the Simpul team to make the need analysis work out of the box, not a regulation; each
  row says why. Admins change them (a new row with a later `valid_from` keeps the history).
- the applications and servers the 2020 study names (`data/paper-applications-2020.json`), with their owner OPD:
  Musi Banyuasin's, loaded only when it is home (16.06).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from simpul.agencies.models import Agency
from simpul.core.loaders import DEMO_KABUPATEN_CODE
from simpul.infrastructure.models import Application, NeedStandard, SiteKind
from simpul.infrastructure.services import application_create, application_update, need_standard_set

DATA_DIR = Path(__file__).resolve().parent / "data"
VALID_FROM = date(2020, 1, 1)

# (kind, Mbps per staff, Mbps per concurrent resident, share of residents at the same time, minimum, why)
NEED_DEFAULTS: list[tuple[str, str, str, str, str, str]] = [
    (SiteKind.OPD_OFFICE, "0.5", "0.5", "0.01", "10",
     "Assumption (Simpul default): 0.5 Mbps per office worker for web applications, e-mail and the occasional "
     "video meeting; visitors counted at 1% at once; at least 10 Mbps so an office can hold one video meeting."),
    (SiteKind.KECAMATAN_OFFICE, "0.5", "0.5", "0.005", "10",
     "Assumption (Simpul default): as an OPD office; 0.5% of the kecamatan's residents served at once."),
    (SiteKind.VILLAGE_OFFICE, "0.5", "0.5", "0.005", "4",
     "Assumption (Simpul default): a village operator submitting applications for residents; 0.5% of the "
     "village's residents served at once; at least 4 Mbps so uploads of scanned documents do not stall."),
    (SiteKind.PUBLIC_WIFI, "0", "1", "0.01", "5",
     "Assumption (Simpul default): 1 Mbps per concurrent user of a public wifi point, 1% of the residents it "
     "serves online at once, at least 5 Mbps."),
    (SiteKind.SCHOOL, "0.5", "0.25", "0.1", "10",
     "Assumption (Simpul default): 0.5 Mbps per teacher, 0.25 Mbps per pupil online, a tenth of pupils at once."),
    (SiteKind.PUSKESMAS, "1", "0", "0", "10",
     "Assumption (Simpul default): 1 Mbps per health worker for health information systems and referrals."),
    (SiteKind.TOWER, "0", "0", "0", "0", "A tower carries links; it has no need of its own."),
]

# code → owner agency code (the study names only the host; owners are the OPDs that run them)
APPLICATION_OWNERS = {
    "simda": ("bpkad", "Pemilik diasumsikan: SIMDA adalah sistem keuangan dan aset daerah yang dijalankan BPKAD."),
    "cctv-jalan": ("dinkominfo", "Pemilik: penyelenggara server yang disebut kajian (Dinkominfo)."),
    "web-mubakab": ("dinkominfo", "Pemilik: penyelenggara server yang disebut kajian (Dinkominfo)."),
    "muba-siaga-112": ("dinkominfo", "Pemilik: Muba Command Center Dinkominfo, sesuai kajian."),
    "wifi-desa-kecamatan": ("dinas-pmd", "Pemilik: Dinas PMD, yang server jaringannya mengendalikan wifi desa."),
}
APPLICATION_CODES = {
    "SIMDA": "simda",
    "CCTV Jalan": "cctv-jalan",
    "mukabab.go.id": "web-mubakab",
    "Muba Siaga 112": "muba-siaga-112",
    "Wifi desa/kecamatan": "wifi-desa-kecamatan",
}
APPLICATION_URLS = {"web-mubakab": "https://mubakab.go.id/"}


def load_need_standards(*, stdout: Any) -> None:
    added = 0
    for kind, staff, resident, share, minimum, why in NEED_DEFAULTS:
        if NeedStandard.objects.filter(site_kind=kind, valid_from=VALID_FROM).exists():
            continue
        need_standard_set(
            actor=None, site_kind=kind, valid_from=VALID_FROM, mbps_per_staff=Decimal(staff),
            mbps_per_concurrent_resident=Decimal(resident), concurrent_share=Decimal(share),
            min_mbps=Decimal(minimum), source=why,
        )
        added += 1
    stdout.write(f"infrastructure: {added} need standards added")


def load_paper_applications(*, stdout: Any) -> None:
    data = json.loads((DATA_DIR / "paper-applications-2020.json").read_text(encoding="utf-8"))
    added = 0
    for item in data["applications"]:
        code = APPLICATION_CODES.get(item["name"])
        if code is None:
            continue
        owner_code, owner_note = APPLICATION_OWNERS[code]
        existing = Application.objects.filter(code=code).first()
        if existing is not None:
            owner = Agency.objects.filter(code=owner_code).first()
            if existing.owner_agency_id is None and owner is not None:  # agencies loaded after a first run
                application_update(actor=None, application=existing, owner_agency=owner)
            continue
        name = "mubakab.go.id" if code == "web-mubakab" else item["name"]
        application_create(
            actor=None, code=code, name=name, purpose=item["description_id"], purpose_en=item["description_en"],
            owner_agency=Agency.objects.filter(code=owner_code).first(), hosting_note=item["host"],
            url=APPLICATION_URLS.get(code, ""),
            source=f"Kajian 2020 (Dinkominfo & Dinas PMD Muba). {owner_note}"
            + (" Kajian menuliskannya 'mukabab.go.id'." if code == "web-mubakab" else ""),
        )
        added += 1
    stdout.write(f"infrastructure: {added} applications from the 2020 study added")


def load(*, stdout: Any) -> None:
    load_need_standards(stdout=stdout)
    if settings.SIMPUL_KABUPATEN_CODE == DEMO_KABUPATEN_CODE:
        load_paper_applications(stdout=stdout)
