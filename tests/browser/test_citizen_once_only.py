"""The demo citizen on a phone (360x740), with JavaScript off and on: she logs in and applies for a family card (KK)
change. Her NIK, name, village and phone come from her profile, marked as such; she changes her phone. She uploads
a photo and a PDF, saves, and the saved page offers the link by SMS, WhatsApp and (with JavaScript) a copy button,
without telling her that anyone with the link sees her answers. Back on the documents step and on the review step
each file shows a preview the server drew; she saves her new phone to her profile and sends. The officer asks to
correct only the address and the old family card: her correction form asks only those. A complaint's reporter page
is filled from her profile too. axe-core finds nothing on any page; full-page screenshots go to $SIMPUL_SHOTS
(`onceonly-js-*.png`, `onceonly-nojs-*.png`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"
PHONE = {"width": 360, "height": 740}
FROM_PROFILE = "Dari profil Anda"


@pytest.fixture
def demo_citizen(personas: Any, settings: Any) -> Any:  # noqa: F811 - the shared fixture
    """The demo accounts (Siti Aminah, warga@simpul.test, with her profile) and the KK and complaint services."""
    from simpul.accounts import demo
    from simpul.catalog.services import service_import_yaml

    settings.DEMO_MODE = True
    demo.load(stdout=io.StringIO())
    for name in ("kk-perubahan.yaml", "pengaduan-kependudukan.yaml"):
        service_import_yaml(text=(CATALOG / name).read_text(), actor=None)
    return demo


def _photo(tmp_path: Path) -> str:
    image = Image.new("RGB", (1200, 800), (235, 235, 225))
    for x in range(100, 1100, 40):
        image.paste((40, 60, 120), (x, 150, x + 20, 650))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    path = tmp_path / "foto-kk.jpg"
    path.write_bytes(out.getvalue())
    return str(path)


def _pdf(tmp_path: Path) -> str:
    """A one-page scan saved as PDF (a page with something on it, so its preview shows what it is)."""
    page = Image.new("RGB", (595, 842), (255, 255, 255))
    page.paste((30, 30, 30), (60, 60, 535, 110))
    for y in range(160, 760, 36):
        page.paste((120, 120, 120), (60, y, 480, y + 12))
    path = tmp_path / "akta-kelahiran.pdf"
    page.save(path, format="PDF", resolution=72)
    return str(path)


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def _previews_drawn(page: Any) -> int:
    """How many preview pictures on the page have loaded (a broken image has no natural width), each scrolled to
    as a person would (they load lazily)."""
    for picture in page.locator(".preview img").all():
        picture.scroll_into_view_if_needed()
        page.wait_for_function("(img) => img.complete", arg=picture.element_handle())
    return int(page.evaluate(
        "() => [...document.querySelectorAll('.preview img')].filter(i => i.complete && i.naturalWidth > 0).length"))


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_demo_citizen_once_only_previews_saved_link_and_asked_revision(
    browser: Any, live_server: Any, personas: Any, demo_citizen: Any, tmp_path: Path,  # noqa: F811
    javascript: bool,
) -> None:
    from simpul.accounts.models import CitizenProfile
    from simpul.accounts.validators import DEMO_PASSWORD
    from simpul.notifications.models import Message

    site = str(live_server.url)
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=PHONE, is_mobile=True,
                                  service_workers="block")
    context.set_default_timeout(30_000)
    if javascript:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    tag = "js" if javascript else "nojs"

    def look(target: Any, name: str) -> None:
        shot(target, f"onceonly-{tag}-{name}")
        assert_no_axe_violations(target)
        _fits(target)

    # 1. log in as the demo citizen and start a family card change: her profile fills the first page
    page.goto(f"{site}/akun/masuk/")
    page.get_by_label("Alamat email atau nomor HP").fill("warga@simpul.test")
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{site}/layanan/kk-perubahan/ajukan/")
    assert page.url.endswith("/pemohon/")
    assert page.get_by_label("NIK pemohon").input_value() == demo_citizen.DEMO_NIK
    assert page.get_by_label("Nama lengkap").input_value() == "Siti Aminah"
    assert page.get_by_label("Desa/kelurahan tempat tinggal").input_value() == demo_citizen.DEMO_DESA
    assert page.get_by_label("Nomor HP/WhatsApp").input_value() == "0" + demo_citizen.DEMO_PHONE[3:]
    assert page.get_by_label("Email (jika ada)").input_value() == "warga@simpul.test"
    assert page.locator(".hint", has_text=FROM_PROFILE).count() == 5
    look(page, "01-prefilled")
    page.get_by_label("Nomor Kartu Keluarga").fill("1606011503200001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02")
    page.get_by_label("Nomor HP/WhatsApp").fill("0813 7777 6666")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/perubahan/")
    page.get_by_label("Jenis perubahan").select_option(label="Perubahan data anggota")
    page.get_by_label("Jelaskan perubahannya").fill("Pekerjaan suami berubah menjadi wiraswasta.")
    page.get_by_role("button", name="Lanjut", exact=True).click()

    # 2. a photo and a PDF, then "save and continue later"
    page.wait_for_url("**/dokumen/")
    page.locator("#doc_kk_old").set_input_files(_photo(tmp_path))
    page.locator("#doc_supporting").set_input_files(_pdf(tmp_path))
    page.get_by_role("button", name="Simpan dan lanjutkan nanti").click()
    page.wait_for_url("**/disimpan/")
    main = page.locator("main").inner_text()
    assert "siapa pun" not in main.lower()
    assert page.get_by_role("link", name="Kirim ke WhatsApp Anda sendiri").get_attribute("href").startswith(
        "https://wa.me/?text=")
    copy = page.get_by_role("button", name="Salin tautan")
    if javascript:
        copy.click()
        expect(page.locator(".copied")).to_have_text("Tautan sudah disalin.")
        assert page.evaluate("() => navigator.clipboard.readText()").endswith("/lanjut/")
    else:
        assert copy.count() == 0 and page.locator("#resume").is_visible()
    look(page, "02-saved")
    page.get_by_label("Nomor HP").fill("081377776666")
    page.get_by_role("button", name="Kirim tautannya lewat SMS").click()
    assert "Tautan sedang dikirim lewat SMS" in page.locator("main").inner_text()
    [sms] = Message.objects.filter(event="draft.resume_link")
    assert sms.recipient == "+6281377776666" and "/lanjut/" in sms.body
    look(page, "03-saved-sms-sent")

    # 3. back to the form: previews on the documents step and the review step
    page.get_by_role("link", name="Lanjutkan sekarang").click()
    page.wait_for_url("**/dokumen/")
    page.wait_for_load_state("load")
    assert _previews_drawn(page) == 2
    assert "akta-kelahiran.pdf · 1 halaman" in page.locator("main").inner_text()
    look(page, "04-documents-previews")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/periksa/")
    page.wait_for_load_state("load")
    assert _previews_drawn(page) == 2
    save = page.get_by_label("Simpan perubahan ini ke profil saya")
    assert not save.is_checked()
    look(page, "05-review")
    save.check()
    page.get_by_role("button", name="Kirim permohonan").click()
    reference = page.locator(".big").first.inner_text().strip()
    assert reference.startswith("MUBA-")
    assert CitizenProfile.objects.get(user__email="warga@simpul.test").phone == "+6281377776666"
    look(page, "06-sent")

    # 4. the officer asks to correct only the address and the old family card
    officer = staff_page(browser, site, personas.officer)
    officer.goto(f"{site}/kantor/")
    officer.get_by_role("link", name=reference).click()
    officer.locator("summary", has_text="Tindakan lain").click()  # asking passes through verification in one post
    officer.locator("#id_request_revision-note").fill("Alamat kurang lengkap (RW dan dusun), foto KK kurang jelas.")
    officer.locator('input[name="request_revision-fields_asked"][value="address"]').check()
    officer.locator('input[name="request_revision-documents_asked"][value="kk_old"]').check()
    shot(officer, f"onceonly-{tag}-07-officer-asks")
    officer.get_by_role("button", name="Minta pemohon memperbaiki").click()
    assert "Perlu perbaikan" in officer.locator("main").inner_text()
    officer.context.close()

    # 5. her correction form asks only what the officer asked
    page.goto(f"{site}/lacak/{reference}/perbaikan/")
    form = page.locator("main form")
    assert "foto KK kurang jelas" in page.locator("main").inner_text()
    assert form.locator("textarea[name='pemohon-address']").input_value() == "Jl. Merdeka RT 02"  # hers, to edit
    assert form.locator("input[type=text], select").count() == 0  # no other answer to retype
    assert form.locator("input[type=file]").count() == 1
    assert "Yang tetap seperti yang Anda kirim" in page.locator("main").inner_text()
    look(page, "08-revision-asked-only")
    form.locator("textarea[name='pemohon-address']").fill("Jl. Merdeka RT 02 RW 01, Dusun I")
    form.locator("input[type=file]").set_input_files(_photo(tmp_path))
    page.get_by_role("button", name="Kirim perbaikan").click()
    page.wait_for_url(f"**/lacak/{reference}/")
    look(page, "09-revision-sent")

    # 6. a complaint: the reporter's page starts with her profile, where the problem is does not
    page.goto(f"{site}/layanan/pengaduan-kependudukan/ajukan/?baru=1")
    assert page.locator(".hint", has_text=FROM_PROFILE).count() == 0
    look(page, "10-complaint-first-page")
    page.goto(page.url.replace("/pengaduan/", "/pelapor/"))
    assert page.locator(".hint", has_text=FROM_PROFILE).count() == 3
    look(page, "11-complaint-reporter")
    assert errors == []
    context.close()
