"""The personal-data access log in Chromium: an officer opens a case page and searches the worklist; the platform
admin then reads both reads, read-only, in the admin, in Indonesian. Screenshots go to $SIMPUL_SHOTS when set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)
DESK = {"width": 1366, "height": 768}


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("SIMPUL_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _staff_page(browser: Any, site: str, user: Any) -> Any:
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


def test_officer_reads_then_admin_sees_who_read_what(browser: Any, site: str, personas: Any, settings: Any) -> None:  # noqa: F811
    from simpul.cases.services import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
    from simpul.core.models import AccessDoor, PersonalDataAccess

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    case = case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                       files={"kk": pdf_upload()}, idempotency_key="browser-access").case
    officer = _staff_page(browser, site, personas.officer)
    officer.goto(f"{site}/kantor/")
    officer.goto(f"{site}/kantor/?q={case.reference}&status=all")
    assert "Pencarian ini dicatat." in officer.locator("body").inner_text()
    officer.get_by_role("link", name=case.reference).first.click()
    officer.wait_for_url(f"**/kantor/perkara/{case.reference}/")
    _shot(officer, "access-officer-case-page")
    assert "Membuka halaman ini dicatat" in officer.locator("main, body").first.inner_text()
    doors = sorted(PersonalDataAccess.objects.values_list("door", flat=True))
    assert doors == sorted([AccessDoor.SEARCH, AccessDoor.CASE_VIEW])

    admin = _staff_page(browser, site, personas.admin)
    admin.goto(f"{site}/admin/core/personaldataaccess/")
    _shot(admin, "access-admin-changelist")
    body = admin.locator("body").inner_text()
    assert "Halaman permohonan dibuka petugas" in body and "Pencarian nama atau nomor" in body
    assert case.reference in body and personas.officer.full_name in body
    assert admin.locator("a[href$='/personaldataaccess/add/']").count() == 0  # read-only: no add link
