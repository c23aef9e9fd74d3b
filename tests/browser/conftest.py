"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

Fixtures:
- `browser`: one headless Chromium for the session (skipped when /usr/bin/chromium is missing, except in CI
  where a missing browser fails the run);
- `page` / `page_no_js`: a fresh context and page per test, with JavaScript on or off;
- `site`: the live server's base URL;
- `PageLog`: every response of a page with its transferred size, and the console errors, for budget checks.
Helpers: `assert_no_axe_violations(page)` runs axe-core (bundled with axe-playwright-python, offline) with the
WCAG 2.2 AA rule tags and fails with a readable list of violations; it also works on pages with JavaScript off.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a running
# loop unless told that this is deliberate (tests only).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: CI must install Debian's chromium package (see .ci/run)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server: Any) -> str:
    return str(live_server.url)


def _context_page(browser: Any, *, javascript: bool) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _context_page(browser, javascript=True)


@pytest.fixture
def page_no_js(browser: Any) -> Iterator[Any]:
    yield from _context_page(browser, javascript=False)


@dataclass
class PageLog:
    """What a page loaded: one entry per response (URL, type, status, bytes on the wire), and console errors."""

    responses: list[dict[str, Any]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Any) -> PageLog:
        log = cls()

        def on_response(response: Any) -> None:
            try:
                sizes = response.request.sizes()
                transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:
                transferred = 0
            log.responses.append(
                {
                    "url": response.url,
                    "type": response.request.resource_type,
                    "status": response.status,
                    "bytes": transferred,
                }
            )

        page.on("response", on_response)
        page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
        return log

    def clear(self) -> None:
        self.responses.clear()
        self.console_errors.clear()

    @property
    def total_bytes(self) -> int:
        return sum(r["bytes"] for r in self.responses)

    @property
    def origins(self) -> set[str]:
        return {urlsplit(r["url"]).netloc for r in self.responses if not r["url"].startswith("data:")}


def _scripting_enabled(page: Any) -> bool:
    return bool(page.evaluate("() => matchMedia('(scripting: enabled)').matches"))


def _without_javascript_copy(page: Any) -> tuple[Any, Any]:
    """A JavaScript-enabled page showing the same DOM as `page` (whose context has JavaScript off).

    axe-core needs timers and promises, which never run where JavaScript is disabled (page.evaluate would wait
    forever). The copy gets the page's current HTML with its scripts removed, so it shows what a visitor
    without JavaScript sees, styled by the same stylesheets (for the colour-contrast rules).
    """
    html = page.content()
    html = re.sub(r"(?is)<script\b.*?</script>", "", html)
    html = re.sub(r"(?i)<head([^>]*)>", lambda m: f'<head{m.group(1)}><base href="{page.url}">', html, count=1)
    context = page.context.browser.new_context(java_script_enabled=True)
    copy = context.new_page()
    copy.set_content(html, wait_until="load")
    return copy, context


def assert_no_axe_violations(page: Any, *, tags: list[str] | None = None) -> None:
    """Run axe-core on the page as it is now; fail listing each violation, its rule and the elements.

    Works on pages opened with JavaScript off too (axe then runs on a script-free copy of the page).
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": tags or WCAG_TAGS}, "resultTypes": ["violations"]}
    target, extra_context = (page, None) if _scripting_enabled(page) else _without_javascript_copy(page)
    try:
        violations = Axe().run(target, options=options).response["violations"]
    finally:
        if extra_context is not None:
            extra_context.close()
    if violations:
        lines = [f"{len(violations)} axe-core violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {', '.join(node['target'])}: {node['html'][:160]}" for node in violation["nodes"][:5])
        pytest.fail("\n".join(lines), pytrace=False)


# The village hall's shared satellite link (README): 600 ms round trips, 2 Mbit/s down, about 1 Mbit/s up for one
# person (a 2.9 MB scan took 24 s to send).
VILLAGE_LINK = {"offline": False, "latency": 600, "downloadThroughput": 2_000_000 // 8,
                "uploadThroughput": 1_000_000 // 8}


def village_link(page: Any) -> Any:
    """Throttle `page` (Chromium's network emulation, through CDP) to the village link; returns the CDP session."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", VILLAGE_LINK)
    return cdp


DESK = {"width": 1366, "height": 768}


def shot(page: Any, name: str) -> None:
    """A full-page screenshot into $SIMPUL_SHOTS when it is set (to look at after a run)."""
    from pathlib import Path

    folder = os.environ.get("SIMPUL_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def staff_page(browser: Any, site: str, user: Any) -> Any:
    """A desk-sized page signed in as `user` (the session made by the test client, second factor included)."""
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, user)
    context = browser.new_context(locale="id-ID", viewport=DESK)
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context.new_page()


def dukcapil_applicant(page: Any) -> None:
    """The applicant page of a Dukcapil form as Siti Aminah fills it, then "Lanjut"."""
    page.get_by_label("NIK pemohon").fill("1606014101900001")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor Kartu Keluarga").fill("1606011503200001")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02 RW 01")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234567890")
    page.get_by_role("button", name="Lanjut", exact=True).click()


def ktp_applicant_and_reason(page: Any) -> None:
    """Steps 1 and 2 of the KTP-el replacement form as Siti Aminah fills them on an open form page."""
    dukcapil_applicant(page)
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
