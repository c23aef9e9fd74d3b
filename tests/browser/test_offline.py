"""The offline outbox in Chromium, with the link cut as a village hall's is (`set_offline`) and otherwise slow
(the village-link throttle): a citizen or an operator fills an application, the link drops, they press send
anyway; the form waits on the device, encrypted, and goes out once, from one tab, when the link returns. The
panel at the top of the page tells the truth at every moment: waiting, sending, sent (only with the case's
reference), log in first (an idle logout meanwhile: nothing lost, sent after the log-in with the same key), or not
accepted (the reason, and "Perbaiki" gives back everything entered). Nothing personal stays on the device after a
logout. Screenshots of every state go to /tmp/shots-offline/ (360x740 citizen, 1366x768 operator)."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"
SHOTS = Path(os.environ.get("SIMPUL_SHOTS", "/tmp/shots-offline"))  # noqa: S108 - screenshots to look at
NIK, KK, NAME = "1606014101900001", "1606011503200001", "Siti Aminah"
CITIZEN = {"width": 360, "height": 740}
OPERATOR = {"width": 1366, "height": 768}
WAITING = "Menunggu sambungan. Tersimpan di perangkat ini dan terkirim sendiri saat sambungan kembali."
SENDING = "Sedang dikirim…"
SENT = "Terkirim. Kantor sudah menerimanya. Buka untuk melihat PIN."
SAVED = "Tersimpan. Lanjutkan ke langkah berikutnya."
LOGIN = "Belum terkirim: Anda sudah keluar dari akun. Masuk lagi, lalu permohonan ini terkirim sendiri."
REFUSED = "Belum diterima:"
TITLE = "Penggantian KTP-el (hilang, rusak, atau perubahan data) · Siti Aminah"


@pytest.fixture
def ktp(personas: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


class Link:
    """The village hall's link for one browser context: slow (latency, ~256 kbit/s) or cut; counts the POSTs of
    the application form that reach the network, from every tab."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.posts: list[str] = []
        self.sessions: list[Any] = []
        context.on("request", lambda r: self.posts.append(r.url) if r.method == "POST" and "/ajukan/" in r.url
                   else None)

    def page(self) -> Any:
        page = self.context.new_page()
        self.sessions.append(self.context.new_cdp_session(page))
        self.slow()
        return page

    def slow(self) -> None:
        for cdp in self.sessions:
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400,
                                                          "downloadThroughput": 32_000, "uploadThroughput": 32_000})

    def cut(self) -> None:
        self.context.set_offline(True)

    def back(self) -> None:
        self.context.set_offline(False)
        self.slow()


def _context(browser: Any, viewport: dict[str, int], live_server: Any, user: Any = None) -> Any:
    context = browser.new_context(locale="id-ID", viewport=viewport)
    context.set_default_timeout(30_000)
    if user is not None:
        _log_in(context, live_server, user)
    return context


def _log_in(context: Any, live_server: Any, user: Any) -> None:
    from django.conf import settings
    from django.test import Client

    from simpul.conftest import login

    client = Client()
    login(client, user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": str(live_server.url)}])


def _jpg(tmp_path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 200, 200)).save(out, format="JPEG")
    (tmp_path / "kk.jpg").write_bytes(out.getvalue())
    return tmp_path / "kk.jpg"


def _first_page(page: Any, site: str, *, operator: bool = False) -> None:
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/" + ("?baru=1" if operator else ""))
    _fill_first(page)


def _fill_first(page: Any) -> None:
    page.get_by_label("NIK pemohon").fill(NIK)
    page.get_by_label("Nama lengkap").fill(NAME)
    page.get_by_label("Nomor Kartu Keluarga").fill(KK)
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02 RW 01")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234567890")


def _to_documents(page: Any, site: str, *, operator: bool = False) -> None:
    _first_page(page, site, operator=operator)
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/dokumen/")


def _to_review(page: Any, site: str, tmp_path: Path, *, operator: bool = False) -> None:
    _to_documents(page, site, operator=operator)
    page.locator("#doc_kk").set_input_files(str(_jpg(tmp_path)))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/periksa/")
    _ready(page)


def _ready(page: Any) -> None:
    """The page's outbox has its key (fetched while online) and the service worker controls the page."""
    page.wait_for_load_state("load")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload(wait_until="load")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/luring/kunci/'))")
    page.wait_for_timeout(300)


def _panel(page: Any) -> str:
    return " ".join(page.locator("#outbox").inner_text().split())


def _wait_panel(page: Any, text: str) -> str:
    page.locator("#outbox li").filter(has_text=text).first.wait_for()
    return _panel(page)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_citizen_sends_offline_from_the_check_page_once_with_its_reference(
    browser: Any, live_server: Any, ktp: Any, tmp_path: Path
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = _context(browser, CITIZEN, live_server)
    link = Link(context)
    page = link.page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _to_review(page, site, tmp_path)
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Kirim permohonan").click()
    text = _wait_panel(page, WAITING)
    assert TITLE in text and "Formulir di perangkat ini" in text
    # the panel is at the top of the page, where the person looks
    assert page.locator("#outbox").bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
    _shot(page, "citizen-1-queued")
    assert Case.objects.count() == 0 and link.posts == []
    link.back()
    _wait_panel(page, SENDING)
    _shot(page, "citizen-2-sending")
    text = _wait_panel(page, SENT)
    case = Case.objects.get()
    assert case.reference in text and TITLE in text
    assert page.locator("#outbox a", has_text="Buka").count() == 1
    assert page.get_by_role("button", name="Kirim permohonan").is_hidden()  # nothing to press twice
    _shot(page, "citizen-3-sent")
    assert len(link.posts) == 1
    # a reload sends nothing twice: the item is done, one case
    page.reload()
    _wait_panel(page, SENT)
    page.wait_for_timeout(500)
    assert Case.objects.count() == 1 and len(link.posts) == 1
    assert errors == []
    context.close()


def test_citizen_steps_are_queued_too_and_an_empty_optional_file_is_no_file(
    browser: Any, live_server: Any, ktp: Any, tmp_path: Path
) -> None:
    from simpul.cases.models import Case, Draft

    site = str(live_server.url)
    context = _context(browser, CITIZEN, live_server)
    link = Link(context)
    page = link.page()
    # the first page of the form, sent offline
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/")
    _ready(page)
    _fill_first(page)
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    _wait_panel(page, WAITING)
    assert link.posts == [] and not (Draft.objects.get().answers or {})
    link.back()
    _wait_panel(page, SAVED)
    assert len(link.posts) == 1 and Draft.objects.get().answers
    page.locator("#outbox a", has_text="Lanjutkan").click()
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/dokumen/")
    _ready(page)
    # the documents step: the KK attached, the optional photo of the damaged card left empty
    page.locator("#doc_kk").set_input_files(str(_jpg(tmp_path)))
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    _wait_panel(page, WAITING)
    link.back()
    text = _wait_panel(page, SAVED)
    assert "Belum diterima" not in text and len(link.posts) == 1
    documents = Draft.objects.get().documents
    assert set(documents) == {"kk"}
    page.locator("#outbox a", has_text="Lanjutkan").click()
    page.wait_for_url("**/periksa/")
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_url("**/terkirim/")
    assert Case.objects.count() == 1
    context.close()


def test_operator_logged_out_while_offline_is_asked_to_log_in_and_nothing_is_lost(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path, settings: Any  # noqa: F811
) -> None:
    from simpul.cases.models import Case

    settings.SIMPUL_OPERATOR_IDLE_MINUTES = 0.05  # 3 seconds instead of 15 minutes
    site = str(live_server.url)
    context = _context(browser, OPERATOR, live_server, personas.operator)
    link = Link(context)
    page = link.page()
    _to_review(page, site, tmp_path, operator=True)
    page.locator("input[type=checkbox][name*=consent]").check()  # consent given, no photo of the form
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Kirim permohonan").click()
    _wait_panel(page, WAITING)
    _shot(page, "operator-1-queued")
    time.sleep(4)  # the outage outlasts the idle logout
    link.back()
    text = _wait_panel(page, LOGIN)
    assert "Terkirim" not in text and Case.objects.count() == 0 and len(link.posts) == 1
    assert page.locator("#outbox a", has_text="Masuk").count() == 1
    _shot(page, "operator-4-needs-login")
    # a page opened now (logged out) cannot read the item, and sends nothing
    page.goto(f"{site}/")
    _wait_panel(page, "milik orang yang mengisinya")
    assert TITLE not in _panel(page) and len(link.posts) == 1
    # the operator logs in again: the same item goes out with the same key, once
    settings.SIMPUL_OPERATOR_IDLE_MINUTES = 15
    _log_in(context, live_server, personas.operator)
    page.goto(f"{site}/kantor/desa/")
    text = _wait_panel(page, SENT)
    case = Case.objects.get()
    assert case.reference in text and len(link.posts) == 2
    assert case.submitted_by_id == personas.operator.pk and case.consent == {"given": True, "by": "operator"}
    # the day's list, drawn before the application arrived, is drawn again and shows it
    page.locator("main").get_by_role("link", name=case.reference, exact=True).wait_for()
    _wait_panel(page, SENT)
    assert len(link.posts) == 2
    _shot(page, "operator-3-sent")
    context.close()


def test_operator_refused_item_shows_the_reason_and_correcting_it_keeps_everything(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path  # noqa: F811
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = _context(browser, OPERATOR, live_server, personas.operator)
    link = Link(context)
    page = link.page()
    _to_review(page, site, tmp_path, operator=True)
    page.locator("input[type=checkbox][name*=consent]").check()
    bad = tmp_path / "persetujuan.jpg"
    bad.write_bytes(b"this is not a photo")
    page.get_by_label("Foto formulir persetujuan yang ditandatangani warga").set_input_files(str(bad))
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Kirim permohonan").click()
    _wait_panel(page, WAITING)
    link.back()
    _wait_panel(page, SENDING)
    _shot(page, "operator-2-sending")
    text = _wait_panel(page, REFUSED)
    assert "Berkas persetujuan.jpg tidak bisa dibuka sebagai JPG/PNG/PDF. Foto dokumennya dengan HP, atau pilih berkas lain." in text  # why, how to fix
    assert Case.objects.count() == 0 and len(link.posts) == 1
    _shot(page, "operator-5-refused")
    page.locator("#outbox a", has_text="Perbaiki").click()
    page.wait_for_function("() => document.querySelector('input[type=checkbox][name*=consent]').checked")
    # the person drops the wrong photo and sends by hand: the refused item is done, one case
    page.get_by_label("Foto formulir persetujuan yang ditandatangani warga").set_input_files([])
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_url(re.compile(r"/terkirim/"))
    page.wait_for_timeout(800)
    assert Case.objects.count() == 1 and page.locator("#outbox").is_hidden()
    context.close()


def test_citizen_whose_session_ended_is_asked_to_log_in_and_a_stale_page_is_refused_with_the_reason(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path  # noqa: F811
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = _context(browser, CITIZEN, live_server, personas.citizen)
    link = Link(context)
    page = link.page()
    _to_review(page, site, tmp_path, operator=True)
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Kirim permohonan").click()
    _wait_panel(page, WAITING)
    context.clear_cookies()  # the session ended meanwhile (and its CSRF cookie with it)
    link.back()
    text = _wait_panel(page, LOGIN)
    assert "Terkirim" not in text and Case.objects.count() == 0 and len(link.posts) == 1
    _shot(page, "citizen-4-needs-login")
    _log_in(context, live_server, personas.citizen)
    page.reload()
    text = _wait_panel(page, SENT)
    assert Case.objects.get().reference in text and len(link.posts) == 2
    page.locator("#outbox button", has_text="Hapus dari daftar ini").click()
    page.locator("#outbox").wait_for(state="hidden")
    # a page gone stale meanwhile: refused, with the reason and how to fix it, nothing sent
    _to_review(page, site, tmp_path, operator=True)  # (?baru=1: a new application, not the resume page)
    link.posts.clear()
    link.cut()
    page.locator("input[name=idempotency_key]").evaluate("el => el.value = 'stale-key'")
    page.get_by_role("button", name="Kirim permohonan").click()
    _wait_panel(page, WAITING)
    link.back()
    text = _wait_panel(page, REFUSED)
    assert "Halaman ini" in text and page.locator("#outbox a", has_text="Perbaiki").count() == 1
    assert Case.objects.count() == 1 and len(link.posts) == 1
    _shot(page, "citizen-5-refused")
    context.close()


def test_three_tabs_send_the_queue_once(browser: Any, live_server: Any, ktp: Any, tmp_path: Path) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = _context(browser, CITIZEN, live_server)
    link = Link(context)
    page = link.page()
    _to_review(page, site, tmp_path)
    others = [link.page(), link.page()]
    for other in others:
        other.goto(f"{site}/")
        _ready(other)
    link.posts.clear()
    link.cut()
    page.get_by_role("button", name="Kirim permohonan").click()
    _wait_panel(page, WAITING)
    for other in others:
        _wait_panel(other, WAITING)  # every tab shows the same queue
    link.back()
    for tab in [page, *others]:
        tab.evaluate("() => window.dispatchEvent(new Event('online'))")
    for tab in [page, *others]:
        _wait_panel(tab, SENT)
    page.wait_for_timeout(1000)
    assert len(link.posts) == 1 and Case.objects.count() == 1
    context.close()


KEPT = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      out.push(req.url + " " + await (await cache.match(req)).text());
    }
  }
  const dbs = indexedDB.databases ? await indexedDB.databases() : [{name: "simpul-outbox"}];
  for (const info of dbs) {
    const db = await new Promise((ok, ko) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result);
                                               r.onerror = () => ko(r.error); });
    for (const store of db.objectStoreNames) {
      const rows = await new Promise(ok => { const r = db.transaction(store).objectStore(store).getAll();
                                             r.onsuccess = () => ok(r.result); });
      const text = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v)
        ? String.fromCharCode.apply(null, new Uint8Array(v.buffer || v)) : (v && typeof v === "object"
        ? Object.keys(v).map(k => k + ":" + text(v[k])).join(" ") : String(v));
      out.push(rows.map(text).join("\\n"));
    }
    db.close();
  }
  for (let i = 0; i < localStorage.length; i++) out.push(localStorage.key(i) + localStorage.getItem(localStorage.key(i)));
  for (let i = 0; i < sessionStorage.length; i++) out.push(sessionStorage.key(i) + sessionStorage.getItem(sessionStorage.key(i)));
  return out.join("\\n");
}"""


def test_nothing_personal_stays_on_the_device_queued_or_after_logout(
    browser: Any, live_server: Any, personas: Any, ktp: Any, tmp_path: Path  # noqa: F811
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = _context(browser, OPERATOR, live_server, personas.operator)
    link = Link(context)
    page = link.page()
    _to_review(page, site, tmp_path, operator=True)
    page.locator("input[type=checkbox][name*=consent]").check()
    link.cut()
    page.get_by_role("button", name="Kirim permohonan").click()
    _wait_panel(page, WAITING)
    queued = page.evaluate(KEPT)
    for secret in (NIK, KK, NAME, "Merdeka", "/ajukan/"):
        assert secret not in queued, secret  # the queued form is encrypted, its address too
    link.back()
    _wait_panel(page, SENT)
    case = Case.objects.get()
    page.locator("#outbox a", has_text="Buka").click()
    pin = page.locator(".big").nth(1).inner_text().strip()
    assert len(pin) >= 6
    # offline, a page with personal data is not there: the device shows the page without personal data
    link.cut()
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/")
    page.get_by_role("heading", name="Tidak ada sambungan").wait_for()
    assert "Keluar" not in page.locator("header").inner_text()  # no log-in state on a kept page
    link.back()
    page.goto(f"{site}/kantor/desa/")
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    kept = page.evaluate(KEPT)
    for secret in (NIK, KK, NAME, pin, case.reference):
        assert secret not in kept, secret
    context.close()
