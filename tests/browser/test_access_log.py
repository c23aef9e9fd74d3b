"""The personal-data access log in Chromium: an officer opens a case page and searches the worklist; the platform
admin then reads both reads, read-only, in the admin, in Indonesian. Screenshots go to $SIMPUL_SHOTS when set."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)



def test_officer_reads_then_admin_sees_who_read_what(browser: Any, site: str, personas: Any, settings: Any) -> None:  # noqa: F811
    from simpul.cases.intake import case_submit
    from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
    from simpul.core.models import AccessDoor, PersonalDataAccess

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    case = case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                       files={"kk": pdf_upload()}, idempotency_key="browser-access").case
    officer = staff_page(browser, site, personas.officer)
    officer.goto(f"{site}/kantor/")
    officer.goto(f"{site}/kantor/?q={case.reference}&status=all")
    assert "Pencarian ini dicatat." in officer.locator("body").inner_text()
    officer.get_by_role("link", name=case.reference).first.click()
    officer.wait_for_url(f"**/kantor/perkara/{case.reference}/")
    shot(officer, "access-officer-case-page")
    assert "Membuka halaman ini dicatat" in officer.locator("main, body").first.inner_text()
    doors = sorted(PersonalDataAccess.objects.values_list("door", flat=True))
    assert doors == sorted([AccessDoor.SEARCH, AccessDoor.CASE_VIEW])

    admin = staff_page(browser, site, personas.admin)
    admin.goto(f"{site}/admin/core/personaldataaccess/")
    shot(admin, "access-admin-changelist")
    body = admin.locator("body").inner_text()
    assert "Halaman permohonan dibuka petugas" in body and "Pencarian nama atau nomor" in body
    assert case.reference in body and personas.officer.full_name in body
    assert admin.locator("a[href$='/personaldataaccess/add/']").count() == 0  # read-only: no add link
