"""Account pages in Chromium: accessible (axe-core), small, and registration working without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.conftest import PASSWORD, personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import PageLog, assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("region_tree")
@pytest.mark.parametrize(
    "path",
    ["/akun/masuk/", "/akun/daftar/", "/akun/daftar/warga/", "/akun/daftar/usaha/", "/akun/sandi/lupa/"],
)
def test_account_pages_are_accessible_and_small(page: Any, site: str, path: str) -> None:
    log = PageLog.attach(page)
    page.goto(f"{site}{path}", wait_until="load")
    assert page.locator("h1").count() == 1
    assert log.console_errors == []
    assert len(log.responses) <= 5 and len(log.origins) == 1
    assert log.total_bytes <= 50 * 1024, log.responses
    assert_no_axe_violations(page)
    page.goto(f"{site}/en{path}")
    assert_no_axe_violations(page)


@pytest.mark.usefixtures("region_tree")
def test_registration_without_javascript_keeps_answers_and_explains_the_nik(
    page_no_js: Any, site: str
) -> None:
    page = page_no_js
    page.goto(f"{site}/akun/daftar/warga/")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill("1606010113950001")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat email").fill("siti@example.id")
    page.locator("#id_password").fill("sungai-musi-mengalir-jauh")
    page.locator("#id_password_again").fill("sungai-musi-mengalir-jauh")
    page.get_by_role("button", name="Buat akun").click()
    assert "bukan bulan" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Nama lengkap").input_value() == "Siti Aminah"
    assert page.get_by_label("Desa/kelurahan tempat tinggal").input_value() == "16.06.01.2001"
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill("1606014107950001")
    page.locator("#id_password").fill("sungai-musi-mengalir-jauh")
    page.locator("#id_password_again").fill("sungai-musi-mengalir-jauh")
    page.get_by_role("button", name="Buat akun").click()
    assert "1606********0001" in page.locator("main").inner_text()


@pytest.mark.usefixtures("region_tree")
def test_registration_errors_are_accessible(page: Any, site: str) -> None:
    page.goto(f"{site}/akun/daftar/warga/")
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill("16060101139500")
    page.get_by_role("button", name="Buat akun").click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)


@pytest.mark.usefixtures("personas")
def test_staff_totp_setup_page_is_accessible(page: Any, site: str) -> None:
    page.goto(f"{site}/akun/masuk/?next=/kantor/")
    page.get_by_label("Alamat email atau nomor HP").fill("officer@test.simpul")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/akun/verifikasi/pasang/**")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    assert_no_axe_violations(page)
