"""Coverage, needs and the OPD table, on small constructed data."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from simpul.infrastructure import demo, selectors
from simpul.infrastructure.models import LinkStatus, LinkTechnology, SiteKind
from simpul.infrastructure.tests.factories import (
    LinkFactory,
    MeasurementFactory,
    NeedStandardFactory,
    SiteFactory,
    UpgradeOptionFactory,
)

pytestmark = pytest.mark.django_db


def test_table1_totals_reproduced_exactly(region_tree: Any) -> None:
    demo.load_table1(stdout=io.StringIO())
    table = selectors.opd_links_table()
    assert len(table.rows) == 25
    assert table.fiber_total == Decimal("240")
    assert table.reporting == 24
    assert [s.name for s in table.not_reported] == ["RSUD Sekayu"]
    assert table.vsat_total == 0
    assert table.vsat_links == 0
    fiber = sorted(r.fiber_mbps for r in table.rows if r.fiber_mbps is not None)
    assert fiber.count(Decimal("50")) == 4
    assert fiber.count(Decimal("2")) == 20


def test_table1_load_is_idempotent(region_tree: Any) -> None:
    demo.load_table1(stdout=io.StringIO())
    demo.load_table1(stdout=io.StringIO())
    assert selectors.opd_links_table().fiber_total == Decimal("240")


def test_coverage_per_kecamatan(region_tree: Any) -> None:
    # Sekayu: Kayu Ara (kelurahan), Sukarami, Lumpatan; Lais: Danau Cala.
    sukarami = SiteFactory(region=region_tree["16.06.01.2001"], staff_count=5, residents_served=995)
    LinkFactory(site=sukarami, technology=LinkTechnology.VSAT, download_mbps=Decimal("2"), monthly_cost_idr=3_000_000)
    LinkFactory(site=sukarami, technology=LinkTechnology.CELLULAR, download_mbps=Decimal("8"),
                monthly_cost_idr=500_000)
    lumpatan = SiteFactory(region=region_tree["16.06.01.2002"], staff_count=0, residents_served=500)
    LinkFactory(site=lumpatan, technology=LinkTechnology.RADIO, download_mbps=Decimal("10"), status=LinkStatus.DOWN)
    SiteFactory(region=region_tree["16.06.02.2001"], sample=True)  # Danau Cala: a site without a link
    rows = {r.region.code: r for r in selectors.coverage_by_kecamatan(kabupaten_code="16.06")}
    sekayu, lais = rows["16.06.01"], rows["16.06.02"]
    assert sekayu.villages == 3
    assert sekayu.connected_villages == 1  # Lumpatan's only link is down
    assert {v.name for v in sekayu.blank_spots} == {"Kayu Ara", "Lumpatan"}
    assert sekayu.total_mbps == Decimal("10")
    assert sekayu.technology_mix == {"vsat": 1, "cellular": 1}
    assert sekayu.people == 1500
    assert sekayu.kbps_per_person == Decimal("6.7")
    assert sekayu.cost_per_mbps == 350_000
    assert not sekayu.is_sample
    assert lais.villages == 1 and lais.connected_villages == 0 and lais.is_sample
    total = selectors.coverage_total(list(rows.values()))
    assert total.villages == 4 and total.connected_villages == 1


def test_coverage_per_desa_and_availability(region_tree: Any) -> None:
    link = LinkFactory(site=SiteFactory(region=region_tree["16.06.01.2001"]))
    now = timezone.now()
    for minutes, up in [(60, True), (50, True), (40, False), (30, True)]:
        MeasurementFactory(link=link, measured_at=now - timedelta(minutes=minutes), available=up)
    rows = {r.region.code: r for r in selectors.coverage_by_desa(
        kecamatan_code="16.06.01", start=now - timedelta(minutes=60), end=now)}
    assert set(rows) == {"16.06.01.1009", "16.06.01.2001", "16.06.01.2002"}
    sukarami = rows["16.06.01.2001"]
    assert sukarami.connected
    # 10 min up, 10 min up, 10 min down, then up for at most the 15-minute gap: 35 up of 45 known minutes
    assert sukarami.availability == pytest.approx(35 / 45)
    assert rows["16.06.01.2002"].availability is None


def test_shortfall_ordering(region_tree: Any) -> None:
    NeedStandardFactory(site_kind=SiteKind.VILLAGE_OFFICE, mbps_per_staff=Decimal("1"),
                        mbps_per_concurrent_resident=Decimal("1"), concurrent_share=Decimal("0.01"),
                        min_mbps=Decimal("4"))
    big = SiteFactory(name="Big", staff_count=10, residents_served=1000)  # need 20
    LinkFactory(site=big, download_mbps=Decimal("5"))  # short 15
    small = SiteFactory(name="Small", staff_count=0, residents_served=0)  # need 4 (minimum), has 0: short 4
    tie_a = SiteFactory(name="Tie A", staff_count=2, residents_served=200)  # need 4, short 4, 202 people
    met = SiteFactory(name="Met", staff_count=2, residents_served=0)  # need 4
    LinkFactory(site=met, download_mbps=Decimal("10"))
    rows = selectors.shortfall_list()
    assert [r.site.name for r in rows] == ["Big", "Tie A", "Small"]
    assert rows[0].shortfall_mbps == Decimal("15")
    assert rows[0].need_mbps == Decimal("20")
    assert small.pk in {r.site.pk for r in rows}
    assert tie_a.pk == rows[1].site.pk


def test_newer_standard_replaces_older(region_tree: Any) -> None:
    NeedStandardFactory(valid_from=date(2020, 1, 1), min_mbps=Decimal("4"))
    NeedStandardFactory(valid_from=date(2025, 1, 1), min_mbps=Decimal("8"), mbps_per_staff=0,
                        mbps_per_concurrent_resident=0)
    assert selectors.need_standards(on=date(2024, 6, 1))[SiteKind.VILLAGE_OFFICE].min_mbps == 4
    assert selectors.need_standards(on=date(2026, 6, 1))[SiteKind.VILLAGE_OFFICE].min_mbps == 8


def test_trend_between_two_dates(region_tree: Any) -> None:
    site = SiteFactory(region=region_tree["16.06.01.2001"])
    LinkFactory(site=site, download_mbps=Decimal("2"), contract_start=date(2021, 1, 1), contract_end=date(2023, 12, 31),
                status=LinkStatus.ENDED)
    LinkFactory(site=site, download_mbps=Decimal("20"), contract_start=date(2024, 1, 1))
    rows = {r.region.code: r for r in selectors.coverage_trend(date_from=date(2022, 6, 1), date_to=date(2025, 6, 1),
                                                               kabupaten_code="16.06")}
    assert rows["16.06.01"].mbps_from == 2
    assert rows["16.06.01"].mbps_to == 20
    assert rows["16.06.01"].mbps_change == 18
    assert rows["16.06.02"].connected_to == 0


def test_planner_sites_from_registry(region_tree: Any) -> None:
    NeedStandardFactory()
    site = SiteFactory(staff_count=4, residents_served=800)  # need max(4, 2 + 2) = 4
    UpgradeOptionFactory(site=site, resulting_mbps=Decimal("10"))
    [plan_site] = selectors.planner_sites()
    assert plan_site.people == 804
    assert plan_site.need_mbps == 4
    assert plan_site.current_mbps == 0
    assert len(plan_site.options) == 1
