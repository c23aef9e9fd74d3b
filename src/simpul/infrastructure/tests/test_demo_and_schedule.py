"""The demo (Table 1 real, the rest marked sample) and the periodic health-check job."""

from __future__ import annotations

import io
from typing import Any

import pytest

from simpul.infrastructure import demo, reference
from simpul.infrastructure.models import Application, Site, UpgradeOption
from simpul.regions.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


def test_sample_is_marked_idempotent_and_gives_every_village_options(region_tree: Any, settings: Any) -> None:
    settings.DEMO_MODE = True
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)
    villages = Region.objects.filter(level=RegionLevel.DESA).count()
    village_sites = Site.objects.filter(code__startswith="sample-desa-")
    assert village_sites.count() == villages
    assert not village_sites.filter(is_sample=False).exists()
    assert UpgradeOption.objects.count() == 4 * villages
    assert not Site.objects.filter(code__startswith="opd-", is_sample=True).exists()  # Table 1 is real


def test_demo_does_nothing_outside_demo_mode(region_tree: Any, settings: Any) -> None:
    settings.DEMO_MODE = False
    demo.load(stdout=io.StringIO())
    assert not Site.objects.exists()


def test_reference_loads_need_standards_and_the_studys_applications(region_tree: Any) -> None:
    reference.load(stdout=io.StringIO())
    reference.load(stdout=io.StringIO())
    names = set(Application.objects.values_list("name", flat=True))
    assert names == {"SIMDA", "CCTV Jalan", "mubakab.go.id", "Muba Siaga 112", "Wifi desa/kecamatan"}
    assert Application.objects.get(code="wifi-desa-kecamatan").hosting_note == "Server Dinas PMD"


def test_health_checks_are_a_periodic_job() -> None:
    from simpul.core.schedule import discover, jobs

    discover()
    job = jobs()["infrastructure.health_checks"]
    assert job.every.total_seconds() == 300
