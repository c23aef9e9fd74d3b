"""Demo data of the infrastructure app (DEMO_MODE only, idempotent).

1. Table 1 of the 2020 study, exactly (`data/opd-internet-2020.csv`): one OPD-office site per row with its fiber
   link; RSUD Sekayu's cell is empty in the source, so it gets no link ("not reported"); VSAT "-" means none.
   These rows are real (source: the study), not sample data.
2. A desa/kecamatan SAMPLE, invented for the demo and marked `is_sample` (a banner on every page that shows it):
   a village-hall site for each desa/kelurahan and an office for each kecamatan, links (VSAT, 4G, radio, fiber) for
   a few dozen of them, the rest blank spots, a week of hourly probe results for some, and four candidate upgrades
   for every village hall so the planner has the whole regency to work on.
"""

from __future__ import annotations

import csv
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from simpul.agencies.models import Agency
from simpul.core.services import audit_record
from simpul.infrastructure.models import (
    Application,
    Link,
    LinkTechnology,
    Measurement,
    MeasurementSource,
    Site,
    SiteKind,
    UpgradeOption,
)
from simpul.infrastructure.services import application_update, link_create, site_create
from simpul.regions.models import Region, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE1_SOURCE = "Tabel 1 kajian 2020 (Dinkominfo Muba 2020)"
SAMPLE_SOURCE = "Data contoh yang dibuat untuk demo"
SAMPLE_PROVIDER = "Penyedia contoh"

# (technology, one-off Rp, monthly Rp, Mbps) ranges for the sample's candidate upgrades
OPTION_TEMPLATES = [
    (LinkTechnology.CELLULAR, (2_500_000, 4_000_000), (400_000, 700_000), (3, 15)),
    (LinkTechnology.LEO, (7_000_000, 9_000_000), (1_000_000, 1_500_000), (20, 50)),
    (LinkTechnology.RADIO, (20_000_000, 45_000_000), (600_000, 1_200_000), (10, 30)),
    (LinkTechnology.FIBER, (60_000_000, 250_000_000), (1_000_000, 2_000_000), (20, 100)),
]
SAMPLE_LINKS = [  # (technology, Mbps, monthly Rp)
    (LinkTechnology.VSAT, Decimal("2"), 3_500_000),
    (LinkTechnology.CELLULAR, Decimal("5"), 500_000),
    (LinkTechnology.RADIO, Decimal("10"), 900_000),
    (LinkTechnology.VILLAGE_WIFI, Decimal("4"), 300_000),
]


def load_table1(*, stdout: Any) -> None:
    region = Region.objects.filter(code=f"{settings.SIMPUL_KABUPATEN_CODE}.01").first()
    if region is None:
        stdout.write("infrastructure: regions not loaded, Table 1 skipped")
        return
    agencies = {a.name: a for a in Agency.objects.all()}
    added = 0
    with (DATA_DIR / "opd-internet-2020.csv").open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            agency = agencies.get(row["agency_name"])
            code = f"opd-{agency.code}" if agency else f"opd-table1-{n:02d}"
            if Site.objects.filter(code=code).exists():
                continue
            site = site_create(
                actor=None, code=code, name=row["agency_name"], kind=SiteKind.OPD_OFFICE, region=agency.region
                if agency and agency.region else region, agency=agency, source=TABLE1_SOURCE,
                notes="" if row["fiber_optic_mbps"] else "Bandwidth serat optik tidak dilaporkan dalam Tabel 1.",
            )
            if row["fiber_optic_mbps"]:
                link_create(actor=None, site=site, technology=LinkTechnology.FIBER,
                            download_mbps=Decimal(row["fiber_optic_mbps"]), source=TABLE1_SOURCE)
            if row["vsat_mbps"] not in ("", "-"):
                link_create(actor=None, site=site, technology=LinkTechnology.VSAT,
                            download_mbps=Decimal(row["vsat_mbps"]), source=TABLE1_SOURCE)
            added += 1
    stdout.write(f"infrastructure: {added} OPD sites from Table 1 added")


def load_sample(*, stdout: Any) -> None:
    root = settings.SIMPUL_KABUPATEN_CODE
    if Site.objects.filter(is_sample=True).exists():
        return
    rng = random.Random(1606)  # fixed seed: the same sample on every machine  # noqa: S311
    kecamatan = list(Region.objects.filter(parent_id=root, level=RegionLevel.KECAMATAN).order_by("code"))
    villages = list(Region.objects.filter(code__startswith=f"{root}.", level=RegionLevel.DESA).order_by("code"))
    if not villages:
        stdout.write("infrastructure: no villages loaded, sample skipped")
        return
    # Invented places (sample, like every row here): a centre per kecamatan inside the regency's rough extent
    # (about 1.6-3.2 degrees south, 103.3-104.7 east) and its villages around it; a separate generator, so the
    # rest of the sample stays as it was.
    geo = random.Random(16062)  # noqa: S311
    centres = {k.code: (Decimal(f"{-3.1 + 1.4 * geo.random():.6f}"), Decimal(f"{103.4 + 1.2 * geo.random():.6f}"))
               for k in kecamatan}

    def near(code: str, spread: float) -> tuple[Decimal | None, Decimal | None]:
        centre = centres.get(code)
        if centre is None:
            return None, None
        return (centre[0] + Decimal(f"{geo.uniform(-spread, spread):.6f}"),
                centre[1] + Decimal(f"{geo.uniform(-spread, spread):.6f}"))

    for k in kecamatan:
        lat, lon = centres[k.code]
        site = site_create(
            latitude=lat, longitude=lon,
            actor=None, code=f"sample-kec-{k.code.replace('.', '-')}", name=f"Kantor Camat {k.name}", kind=SiteKind.KECAMATAN_OFFICE,
            region=k, staff_count=rng.randint(15, 30), residents_served=rng.randint(20_000, 60_000),
            opening_hours="Senin–Jumat 07.30–16.00", source=SAMPLE_SOURCE, is_sample=True,
        )
        tech, mbps, cost = (LinkTechnology.FIBER, Decimal("20"), 2_000_000) if rng.random() < 0.6 else \
            (LinkTechnology.VSAT, Decimal("2"), 3_500_000)
        link_create(actor=None, site=site, technology=tech, download_mbps=mbps, monthly_cost_idr=cost,
                    provider=SAMPLE_PROVIDER, source=SAMPLE_SOURCE, is_sample=True)
    connected = set(rng.sample(range(len(villages)), k=min(36, len(villages))))
    sites: list[Site] = []
    for v in villages:
        lat, lon = near(".".join(v.code.split(".")[:3]), 0.12)
        sites.append(Site(
            latitude=lat, longitude=lon, code=f"sample-desa-{v.code.replace('.', '-')}", name=f"Kantor {v.get_kind_display() or 'Desa'} {v.name}",
            kind=SiteKind.VILLAGE_OFFICE, region=v, staff_count=rng.randint(5, 12),
            residents_served=rng.randint(600, 5000), opening_hours="Senin–Jumat 08.00–15.00",
            source=SAMPLE_SOURCE, is_sample=True,
        ))
    Site.objects.bulk_create(sites)
    sites = list(Site.objects.filter(code__startswith="sample-desa-").order_by("code"))
    links = []
    for i in sorted(connected):
        tech, mbps, cost = SAMPLE_LINKS[i % len(SAMPLE_LINKS)]
        links.append(Link(site=sites[i], technology=tech, download_mbps=mbps, monthly_cost_idr=cost,
                          provider=SAMPLE_PROVIDER, source=SAMPLE_SOURCE, is_sample=True,
                          contract_start=timezone.localdate() - timedelta(days=rng.randint(30, 900))))
    Link.objects.bulk_create(links)
    options = []
    for site in sites:
        for tech, one_off, monthly, mbps in OPTION_TEMPLATES:
            options.append(UpgradeOption(
                site=site, technology=tech, is_sample=True,  # the page names the technology; no label
                one_off_cost_idr=rng.randrange(one_off[0], one_off[1], 100_000),
                monthly_cost_idr=rng.randrange(monthly[0], monthly[1], 50_000),
                resulting_mbps=Decimal(rng.randint(*mbps)),
            ))
    UpgradeOption.objects.bulk_create(options)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    measurements = []
    for link in Link.objects.filter(is_sample=True, site__kind=SiteKind.VILLAGE_OFFICE).order_by("id")[:12]:
        for h in range(7 * 24):
            if rng.random() < 0.08:  # the probe was silent: a gap, not an outage
                continue
            up = rng.random() > (0.15 if link.technology == LinkTechnology.VSAT else 0.04)
            measurements.append(Measurement(
                link=link, measured_at=now - timedelta(hours=h), available=up, source=MeasurementSource.PROBE,
                probe_id="sample-probe", latency_ms=Decimal(rng.randint(550, 750) if link.technology ==
                                                           LinkTechnology.VSAT else rng.randint(30, 120)) if up
                else None,
                download_mbps=(link.download_mbps * Decimal(rng.randint(40, 95)) / 100).quantize(Decimal("0.001"))
                if up else None,
            ))
    Measurement.objects.bulk_create(measurements)
    # The bulk sample is recorded as one audit entry rather than one per row.
    audit_record(action="infrastructure.sample_load", object_type="infrastructure.site",
                 actor_label="simpul demo",
                 changes={"village_sites": len(sites), "links": len(links), "upgrade_options": len(options),
                          "measurements": len(measurements)})
    stdout.write(f"infrastructure: sample of {len(sites)} village halls, {len(links)} links, {len(options)} "
                 f"upgrade options, {len(measurements)} measurements added")


def link_applications_to_hosts(*, stdout: Any) -> None:
    """The study's applications hosted 'at Dinkominfo' / 'at Dinas PMD' get those OPD sites as hosts."""
    hosts = {"dinkominfo": "opd-dinkominfo", "dinas pmd": "opd-dinas-pmd"}
    for app in Application.objects.filter(hosting_site__isnull=True).exclude(hosting_note=""):
        note = app.hosting_note.lower()
        for word, code in hosts.items():
            site = Site.objects.filter(code=code).first()
            if word in note and site is not None:
                application_update(actor=None, application=app, hosting_site=site)
                break


def load(*, stdout: Any) -> None:
    if not settings.DEMO_MODE:
        return
    with transaction.atomic():
        load_table1(stdout=stdout)
        load_sample(stdout=stdout)
        link_applications_to_hosts(stdout=stdout)
