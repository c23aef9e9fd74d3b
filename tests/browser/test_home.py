"""The home page in Chromium: accessible (axe-core, WCAG 2.2 AA), bilingual, small, and working without JS."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PageLog, assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_has_no_axe_violations_in_either_language(page: Any, site: str) -> None:
    page.goto(f"{site}/")
    assert page.get_attribute("html", "lang") == "id"
    assert_no_axe_violations(page)
    page.goto(f"{site}/en/")
    assert page.get_attribute("html", "lang") == "en"
    assert_no_axe_violations(page)


def test_language_link_switches_to_english_and_back(page: Any, site: str) -> None:
    page.goto(f"{site}/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site}/en/")
    assert page.get_attribute("html", "lang") == "en"
    assert "Government services" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Bahasa Indonesia").click()
    page.wait_for_url(f"{site}/")
    assert page.get_attribute("html", "lang") == "id"
    assert "Layanan pemerintah" in page.locator("h1").inner_text()


def test_home_works_without_javascript(page_no_js: Any, site: str) -> None:
    page = page_no_js
    page.goto(f"{site}/")
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site}/en/")
    assert page.get_attribute("html", "lang") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"


def test_home_stays_within_the_page_budget(page: Any, site: str) -> None:
    log = PageLog.attach(page)
    page.goto(f"{site}/", wait_until="load")
    assert log.console_errors == []  # a CSP violation would show here
    assert len(log.responses) <= 5, log.responses
    assert len(log.origins) == 1, log.origins
    assert log.total_bytes <= 50 * 1024, log.responses
    assert all(r["status"] == 200 for r in log.responses), log.responses


def test_axe_check_reports_a_real_violation(page: Any, site: str) -> None:
    page.goto(f"{site}/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">')")
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_no_axe_violations(page)


def test_axe_check_runs_on_a_page_without_javascript(page_no_js: Any, site: str) -> None:
    page_no_js.goto(f"{site}/en/")
    assert_no_axe_violations(page_no_js)
    page_no_js.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">')")
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_no_axe_violations(page_no_js)
