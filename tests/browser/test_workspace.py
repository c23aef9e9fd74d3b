"""Every staff persona, from the portal's front page to the home of their role without typing an address, at a
1366×768 desk and on a 360×740 phone (axe-core on each home, full-page screenshots in $SIMPUL_SHOTS); then the
platform admin invites a staff member through the one screen, the person accepts the e-mailed link, chooses a
password and enrols TOTP from the QR page, and the admin's deactivation ends their session.

The personas are the demo accounts (`simpul.accounts.demo`, loaded on the shared test regions and offices) and
their codes come from the demo's TOTP helper, as a newcomer trying Simpul would get them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from tests.browser.conftest import DESK, assert_no_axe_violations, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
NEW_PASSWORD = "sungai-musi-mengalir-jauh"

# persona (demo e-mail), where they land, and what the home's heading says
HOMES = [
    ("petugas.dukcapil@simpul.test", "/kantor/", "officer"),
    ("kepala.dukcapil@simpul.test", "/kantor/dasbor/", "head"),
    ("operator.sekayu@simpul.test", "/kantor/desa/", "operator"),
    ("evaluator@simpul.test", "/asesmen/", "evaluator"),
    ("walidata@simpul.test", "/data/kelola/", "walidata"),
    ("admin@simpul.test", "/kantor/admin/", "admin"),
]


@pytest.fixture
def demo(settings: Any, personas: Any) -> None:  # noqa: F811
    """The demo accounts on the test regions and offices (demo mode on for the TOTP helper)."""
    from io import StringIO

    from simpul.accounts import demo as accounts_demo

    settings.DEMO_MODE = True
    accounts_demo.load(stdout=StringIO())


def _code(email: str) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from simpul.accounts.demo import totp_code

    TOTPDevice.objects.filter(user__email=email).update(last_t=-1)  # a code may be used again in a new test
    return totp_code(email=email)


def _fits(page: Any) -> None:
    """Nothing is wider than the window (a wide table scrolls inside its own box)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def _log_in_from_the_front_page(page: Any, site: str, email: str, password: str, code: str) -> None:
    from simpul.accounts.validators import DEMO_PASSWORD  # noqa: F401 - the password the demo prints

    page.goto(f"{site}/")
    page.get_by_role("banner").get_by_role("link", name="Masuk").click()
    page.get_by_label("Alamat email atau nomor HP").fill(email)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(code)
    page.get_by_role("button", name="Lanjut").click()


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(("email", "home", "name"), HOMES, ids=[h[2] for h in HOMES])
def test_each_staff_persona_logs_in_and_lands_on_the_home_of_their_role(
    browser: Any, live_server: Any, email: str, home: str, name: str
) -> None:
    from simpul.accounts.validators import DEMO_PASSWORD

    site = str(live_server.url)
    context = browser.new_context(locale="id-ID", viewport=DESK)
    context.set_default_timeout(20_000)
    page = context.new_page()
    _log_in_from_the_front_page(page, site, email, DEMO_PASSWORD, _code(email))
    assert page.url == f"{site}{home}"
    nav = page.get_by_role("navigation", name="Ruang kerja")
    assert nav.count() == 1
    if name == "admin":
        assert nav.get_by_role("link", name="Administrasi").get_attribute("aria-current") == "page"
        assert nav.get_by_role("link", name="Admin Django").count() == 1  # the demo admin is a superuser
    else:
        assert nav.get_by_role("link", name="Admin Django").count() == 0
    assert_no_axe_violations(page)
    shot(page, f"workspace-home-{name}-desk")
    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_axe_violations(page)
    _fits(page)
    shot(page, f"workspace-home-{name}-phone")
    context.close()


@pytest.mark.usefixtures("demo")
def test_the_admin_invites_a_staff_member_who_enrols_and_is_later_deactivated(
    browser: Any, live_server: Any, personas: Any  # noqa: F811
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from simpul.accounts.models import User
    from simpul.accounts.tests.test_views import token_for
    from simpul.accounts.validators import DEMO_PASSWORD
    from simpul.core.delivery import outbox_deliver_batch

    site = str(live_server.url)
    admin_context = browser.new_context(locale="id-ID", viewport=DESK)
    admin_context.set_default_timeout(20_000)
    admin = admin_context.new_page()

    def look(page: Any, step: str) -> None:
        assert_no_axe_violations(page)
        _fits(page)
        shot(page, f"workspace-invite-{step}")

    # The admin, from the admin home: invite a staff member on one screen.
    _log_in_from_the_front_page(admin, site, "admin@simpul.test", DEMO_PASSWORD, _code("admin@simpul.test"))
    admin.get_by_role("main").get_by_role("link", name="Undang pegawai").click()
    look(admin, "01-form")
    admin.get_by_role("textbox", name="Nama lengkap").fill("Ani Petugas Baru")
    admin.get_by_role("textbox", name="Alamat email").fill("ani@example.id")
    admin.get_by_role("combobox", name="Peran").select_option(label="Petugas OPD")
    admin.get_by_role("button", name="Kirim undangan").click()
    assert "Pilih kantor tempat orang ini bekerja." in admin.locator(".error-summary").inner_text()
    look(admin, "02-error")
    admin.locator("#id_agency").select_option(label=personas.dukcapil.name)
    admin.get_by_role("button", name="Kirim undangan").click()
    assert "Ani Petugas Baru sudah diundang" in admin.locator(".messages").inner_text()
    assert "Diundang sebagai pegawai" in admin.locator("main").inner_text()
    look(admin, "03-invited")

    # The invitation arrives by e-mail (the worker delivers the outbox).
    outbox_deliver_batch()
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]
    link = re.search(r"https?://\S+/akun/undangan/\S+/", mail.outbox[0].body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    # The newcomer, on a phone: the link, a password, then the authenticator app from the QR code.
    newcomer_context = browser.new_context(locale="id-ID", viewport=PHONE)
    newcomer_context.set_default_timeout(20_000)
    newcomer = newcomer_context.new_page()
    newcomer.goto(f"{site}{path}")
    assert "Selamat datang, Ani Petugas Baru" in newcomer.locator("main").inner_text()
    look(newcomer, "04-choose-password")
    newcomer.locator("#id_new_password1").fill(NEW_PASSWORD)
    newcomer.locator("#id_new_password2").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Simpan kata sandi").click()
    assert newcomer.locator("img[src^='data:image/svg+xml']").count() == 1
    look(newcomer, "05-qr")
    device = TOTPDevice.objects.get(user__email="ani@example.id", confirmed=False)
    newcomer.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(token_for(device))
    newcomer.get_by_role("button", name="Konfirmasi").click()
    assert newcomer.url == f"{site}/kantor/"
    look(newcomer, "06-worklist")

    # The admin deactivates her: her open session ends at her next click.
    admin.get_by_role("navigation", name="Ruang kerja").get_by_role("link", name="Administrasi").click()
    admin.get_by_role("main").get_by_role("link", name="Pegawai", exact=True).click()
    admin.get_by_role("link", name="Ani Petugas Baru").click()
    assert "Aplikasi autentikator dipasang" in admin.locator("main").inner_text()
    admin.get_by_role("link", name="Nonaktifkan").click()
    look(admin, "07-deactivate")
    admin.get_by_role("textbox", name="Alasan").fill("Pindah tugas ke kecamatan")
    admin.get_by_role("button", name="Nonaktifkan").click()
    assert "1 sesi terbuka diakhiri" in admin.locator(".messages").inner_text()
    look(admin, "08-deactivated")
    assert not User.objects.get(email="ani@example.id").is_active

    newcomer.reload()
    assert "/akun/masuk/" in newcomer.url
    look(newcomer, "09-logged-out")
    admin_context.close()
    newcomer_context.close()


@pytest.mark.usefixtures("demo")
def test_offices_and_staff_screens_for_the_admin_and_the_head(browser: Any, live_server: Any, personas: Any  # noqa: F811
                                                               ) -> None:
    from simpul.accounts.models import User
    from tests.browser.conftest import staff_page

    site = str(live_server.url)

    def look(page: Any, step: str) -> None:
        assert_no_axe_violations(page)
        _fits(page)
        shot(page, f"workspace-offices-{step}")

    admin = staff_page(browser, site, User.objects.get(email="admin@simpul.test"))
    admin.goto(f"{site}/kantor/admin/")
    admin.get_by_role("main").get_by_role("link", name="Kantor dan unit").click()
    look(admin, "01-list")
    admin.get_by_role("link", name=personas.dukcapil.name).click()
    assert "Rina Petugas Dukcapil" in admin.locator("main").inner_text()
    look(admin, "02-office")
    admin.get_by_role("link", name="Ubah rincian").click()
    admin.locator("#id_short_name").fill("Dukcapil")
    admin.get_by_role("button", name="Simpan").click()
    assert "Data kantor diubah" in admin.locator("main").inner_text()
    look(admin, "03-office-changed")

    head = staff_page(browser, site, User.objects.get(email="kepala.dukcapil@simpul.test"))
    head.set_viewport_size(PHONE)
    head.goto(f"{site}/kantor/dasbor/")
    head.get_by_role("navigation", name="Ruang kerja").get_by_role("link", name="Pegawai").click()
    staff = head.locator("main").inner_text()
    assert "Rina Petugas Dukcapil" in staff and "Dewi Petugas DPMPTSP" not in staff
    assert head.get_by_role("link", name="Undang pegawai").count() == 0
    look(head, "04-head-staff")
    head.get_by_role("link", name="Rina Petugas Dukcapil").click()
    assert head.get_by_role("link", name="Nonaktifkan").count() == 0
    look(head, "05-head-person")
