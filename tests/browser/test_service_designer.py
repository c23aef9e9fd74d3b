"""The service designer's journey in Chromium, with JavaScript on and off: a Dinkominfo admin (1366x768) opens the
designer from the staff navigation, creates a service, builds its form page by page (3 pages, 8 questions, one
question shown only after an answer, two documents), reorders a question (by drag with JavaScript, by the Up/Down
buttons without), previews it as a citizen on a phone (360x740), checks the changes and publishes. A citizen on a
phone applies for it, and the office's officer verifies and approves the case.

Every page is checked with axe-core; with SIMPUL_SHOTS set each step is a full-page screenshot
(designer-js-*.png, designer-nojs-*.png)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from simpul.cases.models import Case
from simpul.catalog.models import ServiceVersion, VersionStatus
from simpul.conftest import login, personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import DESK, assert_no_axe_violations, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
CODE = "surat-keterangan-usaha"


def _context(browser: Any, site: str, user: Any, *, javascript: bool, viewport: dict[str, int]) -> Any:
    """A context signed in as `user` (session made by the test client, second factor included), or anonymous."""
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport=viewport)
    context.set_default_timeout(20_000)
    if user is not None:
        client = Client()
        login(client, user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": site}])
    return context


def _image(tmp_path: Path, name: str) -> str:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 180, 160)).save(out, format="PNG")
    (tmp_path / name).write_bytes(out.getvalue())
    return str(tmp_path / name)


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_an_admin_designs_publishes_and_a_citizen_applies_and_the_officer_approves(
    browser: Any, live_server: Any, personas: Any, tmp_path: Path, javascript: bool,  # noqa: F811
) -> None:
    site = str(live_server.url)
    tag = "js" if javascript else "nojs"

    def look(target: Any, name: str) -> None:
        assert_no_axe_violations(target)
        shot(target, f"designer-{tag}-{name}")

    admin_context = _context(browser, site, personas.admin, javascript=javascript, viewport=DESK)
    admin = admin_context.new_page()
    main = admin.locator("main")

    def save(button: str = "Simpan pertanyaan") -> None:
        admin.get_by_role("button", name=button, exact=True).click()
        assert admin.locator(".error-summary").count() == 0, main.inner_text()

    def add_question(page_index: int, label: str, kind: str, **extra: str) -> None:
        admin.locator(f"#page-{page_index}").get_by_role("link", name="Tambah pertanyaan di halaman ini").click()
        fill_question(label, kind, **extra)

    def fill_question(label: str, kind: str, *, required: bool = True, **extra: str) -> None:
        admin.locator("[name=label_id]").fill(label)
        admin.locator("[name=type]").select_option(kind)
        if required:
            admin.locator("[name=required]").check()
        for name, value in extra.items():
            field = admin.locator(f"[name={name}]")
            if field.evaluate("e => e.tagName") == "SELECT":
                if not field.is_visible():
                    admin.locator("summary", has_text="Batas, peran dan nama singkat").click()
                field.select_option(value)
            else:
                if not field.is_visible():
                    admin.locator("summary", has_text="Batas, peran dan nama singkat").click()
                field.fill(value)
        save()

    seen: set[str] = set()

    def look_once(name: str) -> None:
        if name not in seen:
            seen.add(name)
            look(admin, name)

    def add_page(title: str, first: str, kind: str, choices: str = "") -> None:
        admin.get_by_role("link", name="Tambah halaman", exact=True).click()
        look_once("3a-page-add")
        admin.locator("[name=title_id]").fill(title)
        admin.locator("[name=first_label_id]").fill(first)
        admin.locator("[name=first_type]").select_option(kind)
        if choices:
            admin.locator("[name=first_choices]").fill(choices)
        save("Simpan")

    # 1. From the workspace to the designer, without typing its address.
    admin.goto(f"{site}/kantor/")
    admin.locator(".staff-nav").get_by_role("link", name="Layanan").click()
    assert admin.locator("h1").inner_text() == "Perancang layanan"
    look(admin, "1-index")
    admin.get_by_role("link", name="Buat layanan").click()
    admin.locator("[name=name_id]").fill("Surat Keterangan Usaha")
    admin.locator("[name=code]").fill(CODE)
    admin.locator("[name=agency]").select_option(label=personas.dpmptsp.name)
    admin.locator("[name=legal_basis]").fill("Peraturan Bupati Musi Banyuasin tentang pelayanan administrasi")
    admin.locator("[name=sla_working_days]").fill("3")
    look(admin, "2-details")
    save("Buat layanan ini")

    # 2. Three pages, eight questions, one shown only after an answer.
    add_page("Data pemohon", "Nama lengkap", "text")
    fill_question("Nama lengkap", "text", role="applicant_name", name="nama")
    add_question(0, "NIK", "nik", role="applicant_nik", name="nik")
    add_question(0, "Nomor HP", "phone", role="applicant_phone", name="hp", hint_id="Kabar dikirim lewat SMS")
    add_question(0, "Desa/kelurahan tempat tinggal", "region", name="desa")
    add_page("Usaha", "Jenis usaha", "choice", "Warung\nBengkel\nLainnya")
    fill_question("Jenis usaha", "choice", name="jenis")
    admin.locator("#page-1").get_by_role("link", name="Tambah pertanyaan di halaman ini").click()
    look(admin, "3-question")
    fill_question("Usaha lainnya", "text", name="jenis_lain", show_if="jenis=lainnya")
    add_question(1, "Mulai usaha", "date", name="mulai", max="today")
    add_page("Keterangan", "Keterangan tambahan", "textarea")
    fill_question("Keterangan tambahan", "textarea", required=False, name="keterangan")
    for label, code, types in (("KTP-el pemohon", "ktp", ["pdf", "png"]), ("Foto tempat usaha", "foto", ["jpg", "png"])):
        admin.get_by_role("link", name="Tambah dokumen").click()
        look_once("3b-document")
        admin.locator("[name=label_id]").fill(label)
        for kind in ("pdf", "jpg", "png"):
            admin.locator(f"[name=types][value={kind}]").set_checked(kind in types)
        admin.locator("[name=code]").fill(code)
        save("Simpan dokumen")

    # 3. Reorder: NIK before the name (drag with JavaScript, the Up button without), then back with Down.
    nik = admin.locator("#q-nik")
    if javascript:
        with admin.expect_navigation():
            nik.drag_to(admin.locator("#q-nama"), target_position={"x": 20, "y": 5})
    else:
        nik.get_by_role("button", name="Naik").click()
    order = admin.locator("#page-0 li[data-name]").evaluate_all("els => els.map(e => e.dataset.name)")
    assert order == ["nik", "nama", "hp", "desa"]
    admin.locator("#q-nik").get_by_role("button", name="Turun").click()
    look(admin, "4-overview")
    draft = ServiceVersion.objects.get(service__code=CODE)
    assert [[f["name"] for f in p["fields"]] for p in draft.pages] == [
        ["nama", "nik", "hp", "desa"], ["jenis", "jenis_lain", "mulai"], ["keterangan"]]
    assert [d["code"] for d in draft.documents] == ["ktp", "foto"]

    # 4. Preview in the phone frame, and on a phone.
    admin.get_by_role("link", name="Pratinjau sebagai warga").click()
    look(admin, "5-preview-frame")
    frame_url = site + admin.get_by_role("link", name="Buka pratinjau di halaman tersendiri").get_attribute("href")
    phone_context = _context(browser, site, personas.admin, javascript=javascript, viewport=PHONE)
    phone = phone_context.new_page()
    phone.goto(frame_url)
    assert phone.locator("h1").inner_text() == "Data pemohon"
    _fits(phone)
    look(phone, "6-preview-phone")
    phone.get_by_label("Nama lengkap").fill("Siti Warga")
    phone.get_by_label("NIK").fill("1606014101900001")
    phone.get_by_label("Nomor HP").fill("081234567890")
    phone.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    phone.get_by_role("button", name="Lanjut", exact=True).click()
    phone.get_by_label("Lainnya", exact=True).check()
    assert phone.get_by_label("Usaha lainnya").is_visible()
    _fits(phone)
    look(phone, "7-preview-phone-page-2")
    phone_context.close()

    # 5. The changes in words, and publishing.
    admin.get_by_role("link", name="Kembali ke layanan").click()
    admin.get_by_role("link", name="Periksa perubahan dan terbitkan").click()
    assert "Layanan baru" in main.inner_text()
    look(admin, "8-changes")
    admin.get_by_role("button", name="Terbitkan").click()
    assert "Terbit: versi 1" in main.inner_text()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED

    # 6. A citizen applies on a phone.
    citizen_context = _context(browser, site, None, javascript=javascript, viewport=PHONE)
    citizen = citizen_context.new_page()
    citizen.goto(f"{site}/layanan/")
    citizen.get_by_role("link", name="Surat Keterangan Usaha").first.click()
    citizen.get_by_role("link", name="Ajukan sekarang").click()
    look(citizen, "9-citizen-page-1")
    citizen.get_by_label("Nama lengkap").fill("Siti Warga")
    citizen.get_by_label("NIK").fill("1606014101900001")
    citizen.get_by_label("Nomor HP").fill("081234567890")
    citizen.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    citizen.get_by_role("button", name="Lanjut", exact=True).click()
    citizen.get_by_label("Lainnya", exact=True).check()
    citizen.get_by_label("Usaha lainnya").fill("Jahit pakaian")
    citizen.get_by_label("Mulai usaha").fill("2024-01-02")
    _fits(citizen)
    look(citizen, "10-citizen-page-2")
    citizen.get_by_role("button", name="Lanjut", exact=True).click()
    citizen.get_by_role("button", name="Lanjut", exact=True).click()
    citizen.locator("#doc_ktp").set_input_files(_image(tmp_path, "ktp.png"))
    citizen.locator("#doc_foto").set_input_files(_image(tmp_path, "warung.png"))
    look(citizen, "11-citizen-documents")
    citizen.get_by_role("button", name="Lanjut", exact=True).click()
    assert "Jahit pakaian" in citizen.locator("main").inner_text()
    citizen.get_by_role("button", name="Kirim permohonan").click()
    reference = citizen.locator(".big").first.inner_text().strip()
    look(citizen, "12-citizen-sent")
    case = Case.objects.get(reference=reference)
    assert case.service_version == draft

    # 7. The office's officer verifies and approves.
    officer_context = _context(browser, site, personas.other_officer, javascript=javascript, viewport=DESK)
    officer = officer_context.new_page()
    officer.goto(f"{site}/kantor/")
    officer.get_by_role("link", name=reference).click()
    next_action = officer.locator("section.next-action")  # verify and approve in one step
    next_action.get_by_role("button", name="Setujui", exact=True).click()
    assert "Selesai" in officer.locator("main").inner_text()
    case.refresh_from_db()
    assert case.status == "selesai"
    for context in (admin_context, citizen_context, officer_context):
        context.close()
