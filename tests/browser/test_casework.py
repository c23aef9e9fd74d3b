"""The officer's day in Chromium at desk and phone width (issue 16 §2): the worklist's tabs, a case opened from
the list, its scanned family card seen inline (a picture drawn on the server), the case verified and approved in
one step, and another case forwarded to DPMPTSP, whose officer sees it forwarded to them and accepts it.
Every page is checked with axe and photographed into $SIMPUL_SHOTS."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import CHROMIUM, DESK, assert_no_axe_violations, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"
ANSWERS = {"nik": "1606014101900001", "full_name": "Siti Aminah", "kk_number": "1606011503200001",
           "village": "16.06.01.2001", "address": "Jl. Merdeka RT 02 RW 01", "phone": "081234567890",
           "reason": "damaged"}


def _family_card_pdf() -> bytes:
    """A two-page scan as a phone's scanner app makes it: pictures in a PDF."""
    pages = []
    for n in (1, 2):
        page = Image.new("RGB", (600, 400), (245, 245, 235))
        draw = ImageDraw.Draw(page)
        draw.rectangle((20, 20, 580, 380), outline=(20, 60, 120), width=4)
        draw.text((40, 40), f"KARTU KELUARGA - halaman {n}", fill=(0, 0, 0))
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def _submit(version: Any, key: str) -> Any:
    from simpul.cases.intake import case_submit

    scan = SimpleUploadedFile("kk-scan.pdf", _family_card_pdf(), content_type="application/pdf")
    return case_submit(version=version, answers=dict(ANSWERS), files={"kk": scan}, idempotency_key=key).case


def _staff(browser: Any, site: str, user: Any, viewport: dict[str, int]) -> Any:
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, user)
    context = browser.new_context(locale="id-ID", viewport=viewport)
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context.new_page()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_officer_verifies_and_approves_in_one_step_previews_and_forwards(
    browser: Any, live_server: Any, personas: Any, settings: Any, viewport: dict[str, int],  # noqa: F811
) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium missing")
    from simpul.catalog.services import service_import_yaml

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    size = "desk" if viewport is DESK else "phone"
    site = str(live_server.url)
    version = service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None).current_version
    first, second = _submit(version, f"cw-{size}-1"), _submit(version, f"cw-{size}-2")

    def look(page: Any, name: str) -> None:
        assert_no_axe_violations(page)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{name}: the page is {wide} px wide"  # tables scroll inside
        shot(page, f"casework-{size}-{name}")

    officer = _staff(browser, site, personas.officer, viewport)
    officer.goto(f"{site}/kantor/")
    tabs = officer.get_by_role("navigation", name="Saringan tersimpan")
    assert "Menunggu saya 2" in " ".join(tabs.inner_text().split())
    look(officer, "1-worklist")

    # 1. open the case from the list: its documents by the form's names, the likely decision first
    clicks = 0
    officer.get_by_role("link", name=first.reference).click()
    clicks += 1
    main = officer.locator("main")
    assert "Scan/foto Kartu Keluarga" in main.inner_text()
    look(officer, "2-case")

    # 2. the family card, inline: page 2 of the scan drawn as a picture
    officer.get_by_role("link", name="Lihat Scan/foto Kartu Keluarga").click()
    assert "Halaman 1 dari 2" in main.inner_text()
    officer.get_by_role("link", name="Halaman berikutnya").click()
    image = officer.get_by_role("img", name="Scan/foto Kartu Keluarga, halaman 2")
    drawn = officer.request.get(site + str(image.get_attribute("src")))
    assert drawn.status == 200 and drawn.headers["content-type"] == "image/png", drawn.status
    image.evaluate("img => img.decode()")  # loaded and drawn (a broken picture rejects)
    look(officer, "3-document")
    officer.get_by_role("link", name=f"Kembali ke permohonan {first.reference}").click()

    # 3. verify and approve in one step: the primary form; the signed decision letter is issued by itself
    next_action = officer.locator("section.next-action")
    next_action.get_by_role("button", name="Setujui", exact=True).click()
    clicks += 1
    assert clicks == 2  # open the case, approve: the signed letter is issued by itself (before: 6)
    text = main.inner_text()
    assert "Selesai" in text and "Mulai pemeriksaan" in text  # the verification is in the history
    look(officer, "4-approved")

    # 4. forward the other case to DPMPTSP
    officer.goto(f"{site}/kantor/perkara/{second.reference}/")
    officer.locator("summary", has_text="Tindakan lain").click()
    officer.get_by_label("Teruskan ke", exact=True).select_option(label="DPMTSP dan ULP")
    officer.locator("#id_forward-note").fill("Permohonan ini terkait izin usaha.")
    officer.get_by_role("button", name="Teruskan ke instansi lain").click()
    assert "Diteruskan ke DPMTSP dan ULP" in main.inner_text()
    look(officer, "5-forwarded")

    # 5. the receiving office sees it forwarded to them and accepts it
    receiver = _staff(browser, site, personas.other_officer, viewport)
    receiver.goto(f"{site}/kantor/")
    assert "Diteruskan kepada kami" in receiver.locator("main").inner_text()
    receiver.get_by_role("link", name=second.reference).click()
    assert "Diteruskan kepada kami oleh Dinas Administrasi Kependudukan" in receiver.locator("main").inner_text()
    look(receiver, "6-forwarded-to-us")
    receiver.locator("section.next-action").get_by_role("button", name="Terima permohonan yang diteruskan").click()
    text = receiver.locator("main").inner_text()
    assert "DPMTSP dan ULP" in text and "Sedang diperiksa" in text
    look(receiver, "7-accepted")
    for page in (officer, receiver):
        page.context.close()
