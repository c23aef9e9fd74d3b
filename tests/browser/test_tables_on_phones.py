"""Tables on a 360×740 phone: the lists a person scans (my applications, the village operator's list of today)
stack their rows; data tables (open data, infrastructure) scroll inside their own focusable box. No page is wider
than the phone, axe finds nothing, and each page leaves a full-page screenshot in $SIMPUL_SHOTS."""

from __future__ import annotations

import io
from typing import Any

import pytest

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import CHROMIUM, assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def _look(page: Any, name: str) -> None:
    shot(page, f"tables-{name}")
    assert_no_axe_violations(page)
    _fits(page)


@pytest.fixture
def cases(personas: Any) -> list[Any]:  # noqa: F811 - the shared fixture
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, png_upload

    version = ktp_service(personas.dukcapil)
    mine = [case_submit(version=version, answers=VALID_ANSWERS, files={"kk": png_upload()},
                        applicant=personas.citizen).case for _ in range(2)]
    for_citizen = case_submit(version=version, answers=VALID_ANSWERS, files={"kk": png_upload()},
                              submitted_by=personas.operator, consent={"given": True, "by": "operator"}).case
    return [*mine, for_citizen]


def test_lists_stack_and_data_tables_scroll_on_a_phone(browser: Any, live_server: Any, personas: Any,  # noqa: F811
                                                       cases: list[Any]) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium missing")
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login
    from simpul.opendata import reference

    reference.load(stdout=io.StringIO())
    site = str(live_server.url)

    client = Client()
    login(client, personas.citizen)
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    context.set_default_timeout(45_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    page = context.new_page()

    # my applications: one block per application, each value under its column's name
    page.goto(f"{site}/lacak/saya/")
    first_cell = page.locator("table.stack tbody td").first
    assert first_cell.evaluate("td => getComputedStyle(td).display") == "grid"  # a row of its own, label beside
    assert first_cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Nomor"'
    _look(page, "1-my-applications")

    # open data: the list, a dataset's page with its preview table (scrolls in its box)
    page.goto(f"{site}/data/")
    _look(page, "2-open-data")
    page.locator("main h2 a").first.click()
    _look(page, "3-dataset")

    # in English: a dataset nobody described in English shows its Indonesian title, marked as such
    from simpul.opendata.models import Dataset

    Dataset.objects.filter(pk=Dataset.objects.order_by("title_id").first().pk).update(title_en="", description_en="")
    page.goto(f"{site}/en/data/")
    assert page.locator("main small.untranslated").count() == 1
    assert page.locator("main h2 span[lang=id]").count() == 1
    _look(page, "2-open-data-english")

    # the public infrastructure pages
    page.goto(f"{site}/infrastruktur/")
    _look(page, "4-infrastructure")
    context.close()

    # the village operator's list of today: one card per application
    operator = staff_page(browser, site, personas.operator)
    operator.set_viewport_size(PHONE)
    operator.goto(f"{site}/kantor/desa/")
    assert operator.locator("ul.cards.today > li").count() == 1
    _look(operator, "5-operator-today")
    operator.context.close()
