"""The village operator's journey in Chromium on a phone (360x740), with JavaScript on and off: she logs in
(password, then the code of her authenticator app) and lands on today's list of her village; applies for a
citizen through the assisted form (it says so, and starts with her village); the citizen's consent is required;
the confirmation gives her the citizen's reference and PIN, the receipt and the consent form to print; she
attaches the photo of the signed form, goes back to today's list, opens the application from its reference and
goes on to the next citizen. The office's officer then sees the signed consent form with the application.

Every page is checked with axe-core; with SIMPUL_SHOTS set, each step is a full-page screenshot
(operator-js-*.png, operator-nojs-*.png), and the staff pages also at 1366x768 (operator-*-desk-*.png)."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from simpul.cases.constants import CONSENT_DOCUMENT
from simpul.cases.models import Case
from simpul.conftest import PASSWORD, personas, region_tree  # noqa: F401 - shared fixtures
from simpul.core.models import AuditEntry
from tests.browser.conftest import DESK, assert_no_axe_violations, ktp_applicant_and_reason, shot
from tests.browser.conftest import staff_page as officer_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def ktp(personas: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


def _jpeg(tmp_path: Path, name: str, size: tuple[int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (235, 235, 230)).save(out, format="JPEG")
    (tmp_path / name).write_bytes(out.getvalue())
    return str(tmp_path / name)


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _pdf(page: Any, site: str, link: str) -> bool:
    """The link named `link` gives a PDF (fetched with the page's session, as the printer would get it)."""
    response = page.request.get(site + page.get_by_role("link", name=link).get_attribute("href"))
    return bool(response.status == 200 and response.body()[:5] == b"%PDF-")


def _fits(page: Any) -> None:
    """Nothing on the page is wider than the phone (a table may scroll inside its own box)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_the_operator_applies_for_a_citizen_from_login_to_the_next_citizen(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path, javascript: bool,  # noqa: F811
) -> None:
    site = str(live_server.url)
    device = TOTPDevice.objects.create(user=personas.operator, name="phone", confirmed=True)
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    tag = "js" if javascript else "nojs"

    def look(name: str) -> None:
        shot(page, f"operator-{tag}-{name}")
        assert_no_axe_violations(page)
        _fits(page)

    # 1. log in: password, then the code; she lands on today's list of her village, not on "my account"
    page.goto(f"{site}/akun/masuk/")
    page.get_by_label("Alamat email atau nomor HP").fill(personas.operator.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(_code(device))
    page.get_by_role("button", name="Lanjut").click()
    assert page.url == f"{site}/kantor/desa/"
    assert "Permohonan hari ini untuk Sukarami" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Ruang kerja").get_attribute("aria-current") == "page"
    look("01-today-empty")

    # 2. apply for a citizen: the citizen services, then the form, which says it is for a citizen of Sukarami
    page.get_by_role("link", name="Ajukan untuk warga").click()
    assert page.url == f"{site}/kantor/desa/ajukan/"
    look("02-services")
    page.get_by_role("link", name="Penggantian KTP-el").click()
    assert "Anda mengajukan permohonan untuk warga Sukarami." in page.locator("main").inner_text()
    assert page.get_by_label("Desa/kelurahan tempat tinggal").input_value() == "16.06.01.2001"
    look("03-form-applicant")
    ktp_applicant_and_reason(page)
    assert "/dokumen/" in page.url
    look("04-documents")
    page.locator("#doc_kk").set_input_files(_jpeg(tmp_path, "kk.jpg", (120, 80)))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    assert "/periksa/" in page.url
    assert _pdf(page, site, "Cetak formulir persetujuan (A4, PDF)")
    look("05-review")

    # 3. without the citizen's consent nothing is sent; the answers stay
    page.get_by_role("button", name="Kirim permohonan").click()
    assert Case.objects.count() == 0 and "Siti Aminah" in page.locator("main").inner_text()
    look("06-review-no-consent")
    page.locator("input[type=checkbox][name=consent]").check()
    page.get_by_role("button", name="Kirim permohonan").click()

    # 4. the confirmation speaks to her: the citizen's reference and PIN, what to print, the next citizen
    assert "/terkirim/" in page.url
    assert page.locator("h1").inner_text() == "Permohonan Siti Aminah sudah terkirim"
    reference, pin = (el.inner_text().strip() for el in page.locator(".big").all())
    case = Case.objects.get(reference=reference)
    assert case.submitted_by_id == personas.operator.pk and case.consent == {"given": True, "by": "operator"}
    entry = AuditEntry.objects.get(action="cases.case_submit")
    assert entry.actor_id == personas.operator.pk and entry.on_behalf_of == "Siti Aminah"
    look("07-sent")
    for link in ("Cetak tanda terima (A6)", "Cetak di kertas 58 mm", "Cetak formulir persetujuan (A4, PDF)"):
        assert _pdf(page, site, link), link
    assert pin.isdigit() and len(pin) == 6

    # 5. she attaches the photo of the signed consent form and comes back to the confirmation
    page.get_by_label("Foto formulir persetujuan yang ditandatangani warga").set_input_files(
        _jpeg(tmp_path, "persetujuan.jpg", (600, 840)))
    page.get_by_role("button", name="Lampirkan foto").click()
    assert "/terkirim/" in page.url and "terlampir" in page.locator("main").inner_text()
    assert case.documents.filter(spec_code=CONSENT_DOCUMENT).count() == 1
    look("08-consent-attached")

    # 6. back to today's list: the reference is a link to the application's page
    page.get_by_role("link", name="Kembali ke daftar hari ini").click()
    assert page.url == f"{site}/kantor/desa/"
    look("09-today")
    page.set_viewport_size(DESK)
    shot(page, f"operator-{tag}-desk-09-today")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=reference, exact=True).click()
    assert page.url == f"{site}/kantor/desa/{reference}/"
    assert "Siti Aminah" in page.locator("main").inner_text()
    look("10-application")
    page.set_viewport_size(DESK)
    shot(page, f"operator-{tag}-desk-10-application")
    page.set_viewport_size(PHONE)

    # 7. the next citizen
    page.get_by_role("link", name="Warga berikutnya").click()
    assert page.url == f"{site}/kantor/desa/ajukan/"
    context.close()

    # 8. the officer of Dukcapil sees the signed consent form with the application
    officer = officer_page(browser, site, personas.officer)
    officer.goto(f"{site}/kantor/perkara/{reference}/")
    assert "Formulir persetujuan yang ditandatangani" in officer.locator("main").inner_text()
    assert_no_axe_violations(officer)
    shot(officer, f"operator-{tag}-desk-11-officer-case")
    officer.context.close()
