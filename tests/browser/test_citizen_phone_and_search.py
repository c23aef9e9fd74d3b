"""The citizen's journey on a phone (360x740), with JavaScript off and on: Siti's family card is damaged. She searches
the catalogue the way she would say it ("kartu keluarga hilang", then "akte lahir", "ektp", "pungli"; a search that
finds nothing offers the catalogue by kind and the complaint form), opens the family-card service, applies, and
photographs the card with her phone: 4000 x 3000, about 4 MB, with the house's GPS position in its EXIF. A 2.9 MB PDF
is refused first, in the page's language, in the error summary, tied to its field; the photo goes through and is
kept upright, small and without EXIF. axe-core finds nothing on any page; full-page screenshots go to
$SIMPUL_SHOTS when it is set (`citizen-js-*.png`, `citizen-nojs-*.png`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from simpul.core.tests.photos import phone_photo
from tests.browser.conftest import assert_no_axe_violations, dukcapil_applicant, shot

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"
PHONE = {"width": 360, "height": 740}
PDF_TOO_LARGE = ("Berkas scan-kk.pdf terlalu besar (2,9 MB); paling besar 2 MB. Pilih berkas yang lebih kecil, "
                 "atau foto dokumennya dengan HP lalu unggah fotonya.")
NOT_A_DOCUMENT = ("Berkas foto-kk.jpg tidak bisa dibuka sebagai PDF/JPG/PNG. Foto dokumennya dengan HP, atau pilih "
                  "berkas lain.")


@pytest.fixture
def catalogue(personas: Any) -> None:  # noqa: F811 - the shared fixture
    """The Musi Banyuasin catalogue as it ships (every service, with its search words)."""
    from simpul.agencies.models import Agency
    from simpul.catalog import demo

    Agency.objects.get_or_create(code="dinas-pu", defaults={"name": "Dinas Pekerjaan Umum", "short_name": "Dinas PU"})
    out = io.StringIO()
    demo.load(stdout=out)
    assert "skipped" not in out.getvalue(), out.getvalue()


def _pdf(path: Path, size: int) -> str:
    from simpul.cases.tests.factories import PDF_BYTES

    body = PDF_BYTES + b"%" + b"x" * (size - len(PDF_BYTES) - 8) + b"\n"
    path.write_bytes(body + b"%%EOF\n"[: size - len(body)])
    return str(path)


def _search(page: Any, words: str) -> list[str]:
    page.get_by_label("Cari layanan").fill(words)
    page.get_by_role("button", name="Cari", exact=True).click()
    page.wait_for_load_state()
    return [link.inner_text() for link in page.locator(".service-list h2 a").all()]


def _summary_entries(page: Any) -> list[tuple[str, str]]:
    return [(a.get_attribute("href"), a.inner_text()) for a in page.locator(".error-summary a").all()]


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_citizen_finds_the_family_card_service_and_sends_a_phone_photo(
    browser: Any, live_server: Any, catalogue: None, tmp_path: Path, settings: Any, javascript: bool,
) -> None:
    from django.conf import settings as django_settings

    from simpul.cases.models import Draft
    from simpul.core.files import document_open

    settings.VAR_DIR = tmp_path
    site = str(live_server.url)
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=PHONE, is_mobile=True,
                                  service_workers="block")
    context.set_default_timeout(30_000)
    # a language cookie left from an English page once visited: the Indonesian pages must still speak Indonesian
    context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": site}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def look(name: str) -> None:
        shot(page, f"citizen-{'js' if javascript else 'nojs'}-{name}")
        assert_no_axe_violations(page)

    # 1. search the way people say it
    page.goto(f"{site}/layanan/")
    assert _search(page, "kapal selam") == []
    assert page.get_by_role("heading", name="Tidak ada layanan untuk “kapal selam”").is_visible()
    assert page.get_by_role("link", name="Ada masalah, atau petugas meminta uang? Kirim pengaduan").is_visible()
    assert page.locator(".kind-list a").count() == 13
    look("1-search-nothing")
    assert _search(page, "akte lahir") == ["Akta kelahiran"]
    assert _search(page, "ektp")[:2] == ["KTP-el baru (perekaman pertama)",
                                         "Penggantian KTP-el (hilang, rusak, atau perubahan data)"]
    complaints = _search(page, "pungli")
    assert len(complaints) == 5 and all(name.startswith("Pengaduan") for name in complaints)
    look("2-search-pungli")
    assert _search(page, "kartu keluarga hilang") == ["Kartu Keluarga: perubahan, hilang, atau rusak"]
    look("3-search-kk-hilang")

    # 2. the service, and the form
    page.get_by_role("link", name="Kartu Keluarga: perubahan, hilang, atau rusak").click()
    assert "Foto (JPG, PNG) paling besar 15 MB, atau PDF paling besar 2 MB." in page.inner_text("main")
    look("4-service")
    page.get_by_role("link", name="Ajukan sekarang").click()
    dukcapil_applicant(page)
    page.get_by_label("Jenis perubahan").select_option(label="Kartu Keluarga rusak (cetak ulang)")
    page.get_by_label("Jelaskan perubahannya").fill("KK kena air hujan, tulisannya luntur.")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/dokumen/")
    card = page.get_by_label("Kartu Keluarga lama (asli difoto/scan; bila rusak, foto KK yang rusak)")
    assert card.get_attribute("aria-describedby") == "doc_kk_old_hint"
    # one large box to tap, saying in Indonesian what to do (the browser's own button speaks its own language)
    box = page.locator(".file-box").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 80
    assert card.bounding_box()["height"] >= 44
    assert page.locator(".file-box label").inner_text() == "Foto dokumennya dengan HP, atau pilih berkas"
    look("5-documents")

    # 3. a PDF over its limit: refused in the page's language, in the summary, tied to the field
    card.set_input_files(_pdf(tmp_path / "scan-kk.pdf", 3_040_000))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.locator(".error-summary").wait_for()
    page.wait_for_load_state()
    assert page.url.endswith("/dokumen/")
    assert _summary_entries(page) == [("#doc_kk_old", PDF_TOO_LARGE)]
    assert page.locator("#doc_kk_old_err").inner_text() == PDF_TOO_LARGE
    assert card.get_attribute("aria-describedby") == "doc_kk_old_hint doc_kk_old_err"
    if javascript:  # refused on the phone: the summary takes the focus, nothing went over the link
        assert page.evaluate("document.activeElement.className") == "error-summary"
    look("6-documents-pdf-too-large")

    if javascript:  # 4. a file the server refuses when its upload opens: in Indonesian, despite the cookie
        bogus = tmp_path / "foto-kk.jpg"
        bogus.write_bytes(b"MZ" + b"\0" * 300_000)
        card.set_input_files(str(bogus))
        assert page.locator(".error-summary").count() == 0  # another file: the old refusal is gone
        page.get_by_role("button", name="Lanjut", exact=True).click()
        page.locator("#doc_kk_old_err").wait_for()
        assert _summary_entries(page) == [("#doc_kk_old", NOT_A_DOCUMENT)]
        page.locator(".error-summary a").click()  # the summary's link puts the cursor in the field
        assert page.evaluate("document.activeElement.id") == "doc_kk_old"

    # 5. the phone photo goes through
    photo = tmp_path / "IMG_20261204_0930.jpg"
    photo.write_bytes(phone_photo())
    card.set_input_files(str(photo))
    if javascript:  # made smaller on the phone before anything is sent
        page.wait_for_function("() => document.getElementById('doc_kk_old').files[0].size < 1024 * 1024")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/periksa/", timeout=60_000)
    assert page.locator(".error-summary").count() == 0
    look("7-review")

    kept = Draft.objects.get().documents["kk_old"]
    with document_open(kept["stored_name"]) as handle:
        content = handle.read()
    stored = Image.open(io.BytesIO(content))
    # upright (the phone was held upright: EXIF orientation 6), made smaller on the phone or by the server
    assert stored.size == ((1200, 1600) if javascript else (1500, 2000))
    assert len(stored.getexif()) == 0 and b"PhoneCam" not in content  # no GPS position of the house is kept
    assert kept["size"] <= 2 * 1024 * 1024
    assert errors == []
    context.close()
