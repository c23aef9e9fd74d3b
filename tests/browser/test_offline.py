"""The offline outbox in Chromium: a citizen at the village hall fills an application, the link drops, they press
send anyway; the application waits on the device and goes out by itself when the link returns, and the page
shows its reference. A queued application the server refuses stays on the device with the reason."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"


@pytest.fixture
def ktp(personas: Any) -> Any:  # noqa: F811 - the shared fixture
    from simpul.catalog.services import service_import_yaml

    return service_import_yaml(text=(CATALOG / "ktp-el-penggantian.yaml").read_text(), actor=None)


def _to_review(page: Any, site: str, tmp_path: Path) -> None:
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/")
    page.get_by_label("NIK pemohon").fill("1606014101900001")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor Kartu Keluarga").fill("1606011503200001")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02 RW 01")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234567890")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 200, 200)).save(out, format="JPEG")
    (tmp_path / "kk.jpg").write_bytes(out.getvalue())
    page.locator("#doc_kk").set_input_files(str(tmp_path / "kk.jpg"))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    assert "/periksa/" in page.url


def test_offline_submission_waits_and_is_sent_when_the_link_returns(
    browser: Any, live_server: Any, ktp: Any, tmp_path: Path
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = browser.new_context(locale="id-ID")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _to_review(page, site, tmp_path)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== undefined")
    context.set_offline(True)
    page.get_by_role("button", name="Kirim permohonan").click()
    outbox = page.locator("#outbox")
    outbox.get_by_text("menunggu sambungan").wait_for()
    assert Case.objects.count() == 0
    context.set_offline(False)
    outbox.get_by_text("terkirim").wait_for()
    case = Case.objects.get()
    assert case.reference in outbox.inner_text()
    # a reload sends nothing twice: the item is done, one case
    page.reload()
    page.locator("#outbox").get_by_text(case.reference).wait_for()
    assert Case.objects.count() == 1
    assert errors == []
    context.close()


def test_a_refused_offline_submission_keeps_its_data_and_the_reason(
    browser: Any, live_server: Any, ktp: Any, tmp_path: Path
) -> None:
    from simpul.cases.models import Case

    site = str(live_server.url)
    context = browser.new_context(locale="id-ID")
    context.set_default_timeout(20_000)
    page = context.new_page()
    _to_review(page, site, tmp_path)
    context.set_offline(True)
    # the page went stale meanwhile: the server will refuse the key
    page.locator("input[name=idempotency_key]").evaluate("el => el.value = 'stale-key'")
    page.get_by_role("button", name="Kirim permohonan").click()
    page.locator("#outbox").get_by_text("menunggu sambungan").wait_for()
    context.set_offline(False)
    item = page.locator("#outbox li.outbox-refused")
    item.wait_for()
    assert "kedaluwarsa" in item.inner_text() or "Periksa" in item.inner_text()
    assert item.get_by_role("button", name="Kirim lagi").count() == 1
    assert Case.objects.count() == 0
    context.close()


def test_service_worker_is_served_for_the_whole_site(client: Any, db: None) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("application/javascript")
    assert b"addEventListener(\"fetch\"" in response.content


def test_a_chunked_upload_cut_off_midway_resumes_without_resending_what_arrived(
    browser: Any, live_server: Any, ktp: Any, tmp_path: Path, settings: Any
) -> None:

    settings.VAR_DIR = tmp_path
    site = str(live_server.url)
    context = browser.new_context(locale="id-ID", service_workers="block")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{site}/layanan/ktp-el-penggantian/ajukan/")
    page.get_by_label("NIK pemohon").fill("1606014101900001")
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor Kartu Keluarga").fill("1606011503200001")
    page.get_by_label("Desa/kelurahan tempat tinggal").select_option("16.06.01.2001")
    page.get_by_label("Alamat (jalan, RT/RW, dusun)").fill("Jl. Merdeka RT 02 RW 01")
    page.get_by_label("Nomor HP/WhatsApp").fill("081234567890")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_label("KTP-el rusak").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    # the documents page fully loaded, offline.js included: a click before its deferred script runs sends the
    # plain no-JS form (a whole-file upload), and the cut below never happens (seen once in CI)
    page.wait_for_url("**/dokumen/", wait_until="load")

    sent: list[str] = []
    cut = {"done": False}

    def link(route: Any) -> None:
        url = route.request.url
        sent.append(url.rsplit("/chunks/", 1)[1])
        if url.endswith("/chunks/1/") and not cut["done"]:
            cut["done"] = True
            route.abort("internetdisconnected")  # the link drops in the middle of the upload
            return
        route.continue_()

    page.route("**/api/v1/uploads/*/chunks/*/", link)
    scan = tmp_path / "kk.pdf"
    # a real PDF (the upload pipeline opens every PDF and refuses one without objects) made long by deterministic
    # comment lines: random bytes would now and then spell a refused name like /JS
    from simpul.cases.tests.factories import PDF_BYTES

    scan.write_bytes(PDF_BYTES + (b"%" + b"x" * 62 + b"\n") * 11_200 + b"%%EOF\n")
    page.locator("#doc_kk").set_input_files(str(scan))
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.wait_for_url("**/periksa/", timeout=60_000)
    assert cut["done"]
    assert sent.count("0/") == 1, sent  # part 0 had arrived: not sent again
    assert sent.count("1/") == 2, sent  # part 1 was lost and resent
    assert "kk.pdf" in page.locator("main").inner_text()
    context.close()
