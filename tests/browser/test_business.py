"""The business journey on a 360×740 phone: CV Maju Jaya logs in with its business account, applies for the
reklame permit with a size typed with the decimal comma, sees the company, its NIB and the tax estimate on the
check page, sends it, and the DPMPTSP officer (1366×768) sees the same on the case screen."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from simpul.conftest import PASSWORD, personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import CHROMIUM, assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def reklame(personas: Any, settings: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.accounts.models import BusinessProfile
    from simpul.catalog.services import service_import_yaml

    settings.DEMO_MODE = True  # the demo's example tariff gives the estimate
    settings.SIMPUL_KABUPATEN_CODE = "16.06"
    BusinessProfile.objects.create(user=personas.business, business_name="CV Maju Jaya", nib="9120001234567",
                                   kbli_codes=["73100"], address="Jl. Merdeka 1, Sekayu", desa=personas.desa)
    return service_import_yaml(text=(CATALOG / "izin-reklame.yaml").read_text(), actor=None)


def _image(tmp_path: Path, name: str) -> str:
    out = io.BytesIO()
    Image.new("RGB", (160, 90), (30, 90, 160)).save(out, format="JPEG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return str(path)


def test_business_applies_for_reklame_and_officer_sees_company_and_estimate(
    browser: Any, live_server: Any, personas: Any, reklame: Any, tmp_path: Path,  # noqa: F811 - shared fixture
) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium missing")
    site = str(live_server.url)
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    context.set_default_timeout(45_000)
    page = context.new_page()

    page.goto(f"{site}/akun/masuk/?next=/layanan/izin-reklame/ajukan/")
    page.get_by_label("Alamat email atau nomor HP").fill("business@test.simpul")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/reklame/")
    text = page.locator("main").inner_text()
    assert "Mengajukan sebagai CV Maju Jaya (NIB 9120001234567)." in text
    assert_no_axe_violations(page)
    shot(page, "business-1-form")

    page.get_by_label("Jenis reklame").select_option("billboard")
    page.get_by_label("Ukuran (m²)").fill("7,5")
    page.get_by_label("Jumlah sisi").fill("1")
    page.get_by_label("Isi/naskah reklame").fill("Toko Maju Jaya, buka setiap hari")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/lokasi/")
    page.get_by_label("Desa/kelurahan lokasi").select_option("16.06.01.2001")
    page.get_by_label("Alamat lokasi pemasangan").fill("Jl. Merdeka 1, depan pasar")
    page.get_by_label("Milik sendiri").check()
    page.get_by_label("3 bulan").check()
    page.get_by_label("Mulai dipasang").fill("2099-01-02")
    shot(page, "business-2-location")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/dokumen/")
    page.locator("#doc_design").set_input_files(_image(tmp_path, "desain.jpg"))
    page.locator("#doc_location_photo").set_input_files(_image(tmp_path, "lokasi.jpg"))
    page.locator("#doc_ownership_proof").set_input_files(_image(tmp_path, "sertifikat.jpg"))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/periksa/")

    text = page.locator("main").inner_text()
    assert "CV Maju Jaya" in text and "NIB 9120001234567" in text
    assert "7,5" in text
    assert "Perkiraan pajak reklame" in text and "Rp 112.500" in text and "nilai sewa Rp 450.000" in text
    assert_no_axe_violations(page)
    shot(page, "business-3-review")
    page.get_by_role("button", name="Kirim permohonan").click()
    reference = page.locator(".big").first.inner_text().strip()
    assert reference.startswith("MUBA-")
    assert "CV Maju Jaya · NIB 9120001234567" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    shot(page, "business-4-sent")

    officer = staff_page(browser, site, personas.other_officer)  # DPMPTSP handles reklame
    officer.goto(f"{site}/kantor/perkara/{reference}/")
    text = officer.locator("main").inner_text()
    assert "CV Maju Jaya · NIB 9120001234567" in text
    assert "Perkiraan pajak reklame" in text and "Rp 112.500" in text
    assert_no_axe_violations(officer)
    shot(officer, "business-5-officer")
    officer.context.close()
    context.close()
