"""A file the document cannot take is refused before it is sent, on the village link: a citizen on a phone
(360x740) attaches a 2.9 MB PDF to the 2 MB family card. The refusal shows next to the file input within a
second or two and not one part goes over the link; a file of a type the document does not take is refused by
the server when its upload opens, before any part; pressing "Lanjut" again sends nothing; another file goes
through. Without JavaScript the whole-file form gives the same sentence. Screenshots of the refusals go to
$SIMPUL_SHOTS when it is set."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import assert_no_axe_violations, ktp_applicant_and_reason, village_link

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"
PHONE = {"width": 360, "height": 740}
TOO_LARGE = ("Berkas scan-kk.pdf terlalu besar (2,9 MB); paling besar 2 MB. Pilih berkas yang lebih kecil, "
            "atau foto dokumennya dengan HP lalu unggah fotonya.")
WRONG_TYPE = ("Berkas kk-foto.pdf tidak bisa dibuka sebagai PDF/JPG/PNG. Foto dokumennya dengan HP, atau pilih "
              "berkas lain.")


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("SIMPUL_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def ktp(personas: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


def _pdf(path: Path, size: int) -> str:
    """A real PDF of `size` bytes, made long by comment lines."""
    from simpul.cases.tests.factories import PDF_BYTES

    line = b"%" + b"x" * 62 + b"\n"
    body = PDF_BYTES + line * ((size - len(PDF_BYTES) - 6) // len(line))
    body += b"%" * (size - len(body) - 7) + b"\n%%EOF\n"
    assert len(body) == size
    path.write_bytes(body)
    return str(path)


def _citizen_page(browser: Any, site: str, personas: Any, *, javascript: bool) -> Any:  # noqa: F811
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, personas.citizen)
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=PHONE, is_mobile=True,
                                  service_workers="block")
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context.new_page()


def _to_documents(page: Any, site: str) -> None:
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/")
    ktp_applicant_and_reason(page)
    page.wait_for_url("**/dokumen/", wait_until="load")


def _uploads_kept(var_dir: Path) -> list[Path]:
    return sorted((var_dir / "uploads").glob("*/meta.json"))


def test_a_file_the_document_cannot_take_is_refused_before_any_part_goes_over_the_village_link(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path, settings: Any,  # noqa: F811
) -> None:
    from simpul.cases.models import Draft

    settings.VAR_DIR = tmp_path
    site = str(live_server.url)
    page = _citizen_page(browser, site, personas, javascript=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _to_documents(page, site)
    village_link(page)
    sent: list[str] = []

    def count(route: Any) -> None:
        request = route.request
        sent.append(f"{request.method} {'chunk' if '/chunks/' in request.url else request.url.split('/api/v1')[1]}")
        route.continue_()

    page.route("**/api/v1/uploads/**", count)
    kk = page.locator("#doc_kk")
    refusal = page.locator("#doc_kk_err")

    # 1. too large: the phone measures it and refuses at once, before asking the server anything
    started = time.monotonic()
    kk.set_input_files(_pdf(tmp_path / "scan-kk.pdf", 3_040_000))
    refusal.wait_for()
    measured_local = time.monotonic() - started
    assert refusal.inner_text() == TOO_LARGE
    page.get_by_role("button", name="Lanjut", exact=True).click()  # pressing on anyway sends nothing
    page.wait_for_timeout(1500)
    assert page.url.endswith("/dokumen/") and refusal.inner_text() == TOO_LARGE
    assert sent == []
    _shot(page, "js-on-too-large")
    assert_no_axe_violations(page)

    # 2. a type the card does not take (a program named .pdf): the server refuses when the upload opens
    kk.set_input_files(str(_program(tmp_path / "kk-foto.pdf")))
    assert refusal.count() == 0  # picking another file clears the refusal
    started = time.monotonic()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    refusal.wait_for()
    measured_server = time.monotonic() - started
    assert refusal.inner_text() == WRONG_TYPE
    assert sent == ["POST /uploads/"]
    page.get_by_role("button", name="Lanjut", exact=True).click()  # again: refused on the phone, not resent
    page.wait_for_timeout(1500)
    assert sent == ["POST /uploads/"] and refusal.inner_text() == WRONG_TYPE
    assert _uploads_kept(tmp_path) == []  # nothing was stored for it
    _shot(page, "js-on-wrong-type")

    # 3. another file goes through
    kk.set_input_files(_pdf(tmp_path / "kk.pdf", 400_000))
    started = time.monotonic()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/periksa/", timeout=60_000)
    measured_good = time.monotonic() - started
    assert [s for s in sent if s == "PUT chunk"] == ["PUT chunk"] * 2  # its two parts, and only those
    assert "kk" in Draft.objects.get(owner=personas.citizen).documents
    assert _uploads_kept(tmp_path) == []
    assert errors == []
    print(f"refusal shown after {measured_local:.2f} s (on the phone), {measured_server:.2f} s (by the server); "
          f"a 400 KB file sent in {measured_good:.1f} s")
    assert measured_local < 1 and measured_server < 2.5
    page.context.close()


def _program(path: Path) -> Path:
    path.write_bytes(b"MZ" + b"\0" * 600_000)
    return path


def test_without_javascript_the_whole_file_is_refused_in_the_same_words(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path,  # noqa: F811
) -> None:
    site = str(live_server.url)
    page = _citizen_page(browser, site, personas, javascript=False)
    _to_documents(page, site)
    page.locator("#doc_kk").set_input_files(_pdf(tmp_path / "scan-kk.pdf", 3_040_000))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/dokumen/")
    field = page.locator(".field.has-error")
    assert field.locator(".errorlist").inner_text() == TOO_LARGE
    assert TOO_LARGE in page.locator(".error-summary").inner_text()
    _shot(page, "js-off-too-large")
    assert_no_axe_violations(page)
    page.context.close()


def test_when_one_file_is_refused_the_upload_opened_for_another_is_given_up_at_once(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path, settings: Any,  # noqa: F811
) -> None:
    """Every file is checked before any part of any is sent: the family card opens, the photo of the damaged
    card (a PDF, which that document does not take) is refused, so the card's upload is removed, not kept."""
    settings.VAR_DIR = tmp_path
    site = str(live_server.url)
    page = _citizen_page(browser, site, personas, javascript=True)
    _to_documents(page, site)
    village_link(page)
    sent: list[str] = []

    def count(route: Any) -> None:
        request = route.request
        sent.append(f"{request.method} {'chunk' if '/chunks/' in request.url else 'upload'}")
        route.continue_()

    page.route("**/api/v1/uploads/**", count)
    page.locator("#doc_kk").set_input_files(_pdf(tmp_path / "kk.pdf", 400_000))
    page.locator("#doc_damaged_card_photo").set_input_files(_pdf(tmp_path / "ktp-rusak.pdf", 300_000))
    with page.expect_response(lambda response: response.request.method == "DELETE") as given_up:
        page.get_by_role("button", name="Lanjut", exact=True).click()
    assert given_up.value.status == 204
    refusal = page.locator("#doc_damaged_card_photo_err")
    refusal.wait_for()
    assert refusal.inner_text() == ("Berkas ktp-rusak.pdf tidak bisa dibuka sebagai JPG/PNG. Foto dokumennya dengan "
                                    "HP, atau pilih berkas lain.")
    assert sent == ["POST upload", "POST upload", "DELETE upload"]
    assert _uploads_kept(tmp_path) == []
    assert page.locator("#doc_kk_err").count() == 0
    page.context.close()
