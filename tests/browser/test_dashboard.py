"""The head of Dinas Dukcapil at a desk (1366x768) and on a phone (360x740): the dashboard for a period chosen with
the picker, a figure opened as the filtered worklist, the export; then the infrastructure registry with its map,
the links, the coverage table and the planner with a budget typed "500.000.000".

Every page is checked with axe-core and must not be wider than the screen (a table scrolls in its own box); with
SIMPUL_SHOTS set, each step is a full-page screenshot (dashboard-desk-*.png, dashboard-phone-*.png)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from simpul.infrastructure import demo, reference
from tests.browser.conftest import DESK, assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def cases(personas: Any) -> dict[str, Case]:  # noqa: F811 - the shared fixture
    """Three cases of Dukcapil last month: one finished on time, one finished late, one still open and overdue."""
    version = ktp_service(personas.dukcapil)
    first = timezone.localdate().replace(day=1) - timedelta(days=1)
    first = first.replace(day=1)  # the first day of last month

    def make(key: str, day: int, status: str, due: int, closed: int | None = None, **kw: Any) -> Case:
        case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                           idempotency_key=key).case
        at = lambda d: timezone.make_aware(datetime.combine(first + timedelta(days=d), datetime.min.time()))  # noqa: E731
        Case.objects.filter(pk=case.pk).update(
            submitted_at=at(day) + timedelta(hours=9), status=status, due_date=first + timedelta(days=due),
            closed_at=at(closed) + timedelta(hours=14) if closed is not None else None, **kw)
        return Case.objects.get(pk=case.pk)

    return {
        "on_time": make("d1", 1, "selesai", 12, 8, assigned_to=personas.officer),
        "late": make("d2", 2, "ditolak", 10, 20, assigned_to=personas.officer),
        "overdue": make("d3", 5, "diproses", 15),
    }


@pytest.fixture
def registry(personas: Any) -> None:  # noqa: F811 - the shared fixture
    out = io.StringIO()
    demo.load_table1(stdout=out)
    demo.load_sample(stdout=out)
    reference.load_need_standards(stdout=out)


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def _check(page: Any, name: str) -> None:
    _fits(page)
    shot(page, name)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_the_head_reads_the_dashboard_opens_a_figure_exports_and_plans(
        browser: Any, site: str, personas: Any, cases: dict[str, Case], registry: None, screen: str,  # noqa: F811
) -> None:
    page = staff_page(browser, site, personas.head)
    page.set_viewport_size(DESK if screen == "desk" else PHONE)
    page.goto(site + "/kantor/")
    page.get_by_role("navigation", name="Ruang kerja").get_by_role("link", name="Dasbor").click()
    page.wait_for_url("**/kantor/dasbor/")
    _check(page, f"dashboard-{screen}-1-this-month")

    # The period: last month with the picker, then the same month as dates chosen by hand.
    page.get_by_label("Bulan lalu").check()
    page.get_by_role("button", name="Tampilkan").click()
    figures = page.locator("dl.figures")
    assert figures.get_by_role("link").first.inner_text() == "3"  # received
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    page.get_by_label("Pilih tanggal").check()
    page.get_by_label("Dari", exact=True).fill(last.replace(day=1).isoformat())
    page.get_by_label("Sampai", exact=True).fill(last.isoformat())
    page.get_by_role("button", name="Tampilkan").click()
    assert "periode=pilih" in page.url
    assert [a.inner_text() for a in figures.get_by_role("link").all()] == ["3", "2", "1", "1", "1"]
    assert "hari kerja" in figures.inner_text()
    _check(page, f"dashboard-{screen}-2-last-month")

    # A figure is a link: the officer's finished cases open in the worklist, filtered.
    officer_table = page.get_by_role("table", name="Per petugas", exact=False)
    row = officer_table.get_by_role("row", name=personas.officer.full_name, exact=False)
    row.get_by_role("link").nth(1).click()  # finished
    page.wait_for_url("**/kantor/?**")
    assert "finished_from=" in page.url and f"officer={personas.officer.pk}" in page.url
    listed = page.locator("main").inner_text()
    assert cases["on_time"].reference in listed and cases["late"].reference in listed
    assert cases["overdue"].reference not in listed
    _check(page, f"dashboard-{screen}-3-worklist-from-a-figure")
    page.go_back()

    # The export: the same figures as a spreadsheet.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        content = fh.read()
    assert "Jumlah," + personas.dukcapil.name + ",3,2,1,50,1," in content

    # Infrastructure: the registry with its map, the links, the coverage, the planner.
    page.get_by_role("navigation", name="Ruang kerja").get_by_role("link", name="Infrastruktur").click()
    if screen == "desk":  # every column of the coverage table shows at 1366 px, none hidden behind a scroll
        assert page.evaluate("() => [...document.querySelectorAll('.table-scroll')]"
                             ".every(e => e.scrollWidth <= e.clientWidth)")
    _check(page, f"dashboard-{screen}-4-coverage")
    page.get_by_role("navigation", name="Halaman infrastruktur").get_by_role("link", name="Lokasi", exact=True).click()
    assert page.locator("svg.site-map title").first.text_content() == "Peta lokasi yang terdaftar"
    _check(page, f"dashboard-{screen}-5-registry-map")
    page.get_by_role("navigation", name="Halaman infrastruktur").get_by_role("link", name="Jaringan", exact=True).click()
    assert "None" not in page.locator("main").inner_text()
    _check(page, f"dashboard-{screen}-6-links")
    page.get_by_role("navigation", name="Halaman infrastruktur").get_by_role("link", name="Perencana", exact=True).click()
    page.get_by_label("Anggaran (Rp)").fill("500.000.000")
    page.get_by_role("button", name="Buat rencana").click()
    assert page.get_by_role("table", name="Peningkatan yang dipilih").count() == 1
    assert page.get_by_role("columnheader", name="Kecamatan").count() >= 1
    _check(page, f"dashboard-{screen}-7-planner")
    page.context.close()
