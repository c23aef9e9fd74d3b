"""The citizen journey in Chromium, once with JavaScript off and once on: a citizen applies for a KTP-el
replacement with a scanned document, the Dukcapil officer asks for a revision, the citizen fixes it, the
officer approves with a result document, the citizen tracks it by reference + PIN and downloads the receipt."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import CHROMIUM, DESK, assert_no_axe_violations, dukcapil_applicant, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def ktp(personas: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


def _scan(tmp_path: Path, name: str, colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(out, format="JPEG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return str(path)


def _officer_context(browser: Any, site: str, user: Any, javascript: bool) -> Any:
    """A browser context logged in as a staff user (session made by Django's test client, MFA verified)."""
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, user)
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=DESK)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_apply_revise_approve_track(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path,  # noqa: F811 - shared fixture
    javascript: bool,
) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium missing")
    site = str(live_server.url)

    def check_axe(target: Any) -> None:
        if javascript:  # axe-core runs in the page: only possible with JavaScript on
            assert_no_axe_violations(target)

    def look(target: Any, name: str) -> None:
        shot(target, f"journey-{'js' if javascript else 'nojs'}-{name}")

    citizen_context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=PHONE)
    citizen_context.set_default_timeout(15_000)
    page = citizen_context.new_page()

    # 1. apply
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/")
    assert page.url.endswith("/pemohon/")
    check_axe(page)
    look(page, "1-applicant")
    dukcapil_applicant(page)
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    assert "/dokumen/" in page.url
    check_axe(page)
    look(page, "2-documents")
    page.locator("#doc_kk").set_input_files(_scan(tmp_path, "kk.jpg", (200, 200, 200)))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    assert "/periksa/" in page.url and "Siti Aminah" in page.locator("main").inner_text()
    check_axe(page)
    look(page, "3-review")
    page.get_by_role("button", name="Kirim permohonan").click()
    reference, pin = (el.inner_text().strip() for el in page.locator(".big").all())
    assert reference.startswith("MUBA-") and len(pin) == 6
    check_axe(page)
    look(page, "4-confirmation")

    # 2. the officer asks for a revision
    officer_context = _officer_context(browser, site, personas.officer, javascript)
    officer = officer_context.new_page()
    officer.goto(f"{site}/kantor/")
    officer.get_by_role("link", name=reference).click()
    look(officer, "5-officer-case")
    # asking for a correction records the verification first, in the same post (the action table's `through`)
    officer.locator("summary", has_text="Tindakan lain").click()
    officer.locator("#id_request_revision-note").fill("Foto Kartu Keluarga terlalu gelap, mohon unggah ulang.")
    officer.get_by_role("button", name="Minta pemohon memperbaiki").click()
    assert "Perlu perbaikan" in officer.locator("main").inner_text()
    look(officer, "6-officer-asked-revision")

    # 3. the citizen tracks with reference + PIN and fixes it (a fresh browser: no session from applying)
    tracker_context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=PHONE)
    tracker = tracker_context.new_page()
    tracker.goto(f"{site}/lacak/")
    check_axe(tracker)
    tracker.get_by_label("Nomor permohonan").fill(reference.lower().replace("-", " "))
    tracker.get_by_label("PIN").fill(pin)
    tracker.get_by_role("button", name="Tampilkan status").click()
    assert "terlalu gelap" in tracker.locator("main").inner_text()
    check_axe(tracker)
    look(tracker, "7-tracking-revision")
    tracker.get_by_role("link", name="Perbaiki dan kirim lagi").click()
    tracker.locator("#doc_kk").set_input_files(_scan(tmp_path, "kk-terang.jpg", (250, 250, 250)))
    tracker.get_by_role("button", name="Kirim perbaikan").click()
    assert "Sedang diperiksa" in tracker.locator("main").inner_text()
    look(tracker, "8-revision-sent")

    # 4. the officer approves with a result document
    officer.reload()
    officer.locator("#id_approve-result_file").set_input_files(_scan(tmp_path, "ktp-el-baru.jpg", (10, 90, 10)))
    officer.get_by_role("button", name="Setujui", exact=True).click()
    assert "Selesai" in officer.locator("main").inner_text()
    look(officer, "9-officer-approved")

    # 5. the citizen sees it finished and downloads the receipt
    tracker.reload()
    text = tracker.locator("main").inner_text()
    assert "Selesai" in text and "ktp-el-baru" in text
    look(tracker, "10-tracking-done")
    receipt = tracker.request.get(f"{site}/lacak/{reference}/tanda-terima.pdf")
    assert receipt.status == 200 and receipt.body()[:4] == b"%PDF"
    for context in (citizen_context, officer_context, tracker_context):
        context.close()
