"""The API's Swagger UI (/api/v1/docs/) in Chromium, under the site's Content Security Policy: its start-up
script is a static file, so nothing is refused, and every operation of the schema is listed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.browser.conftest import PageLog

pytestmark = pytest.mark.django_db(transaction=True)

# Collects the browser's own reports of what the Content Security Policy refused (before any page script runs).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def _operations() -> int:
    schema = Client().get("/api/v1/schema/?format=json").json()
    methods = {"get", "put", "post", "patch", "delete"}
    return sum(1 for item in schema["paths"].values() for method in item if method in methods)


def test_swagger_ui_renders_every_operation_without_a_csp_violation(page: Any, site: str, tmp_path: Path) -> None:
    page.add_init_script(CSP_LISTENER)
    log = PageLog.attach(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(f"{site}/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock")
    page.screenshot(path=str(Path(os.environ.get("SIMPUL_SHOTS") or tmp_path) / "api-docs.png"))
    assert page.locator(".opblock").count() == _operations()
    assert page.locator(".info .title").first.inner_text().startswith("Simpul API")
    assert page.evaluate("window.__cspViolations") == []
    assert log.console_errors == []
    assert page.get_attribute("html", "lang") == "id"
    assert page.get_attribute('meta[name="description"]', "content")
    assert {r["url"].split("/")[2] for r in log.responses if not r["url"].startswith("data:")} == {
        site.split("/")[2]}  # every asset from this site: no CDN


def test_swagger_ui_page_follows_the_callers_language(browser: Any, site: str) -> None:
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en"})
    try:
        page = context.new_page()
        page.goto(f"{site}/api/v1/docs/")
        assert page.get_attribute("html", "lang") == "en"
        assert page.get_attribute('meta[name="description"]', "content").startswith("Interactive documentation")
    finally:
        context.close()
